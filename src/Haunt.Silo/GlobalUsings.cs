global using Haunt.Entities;
global using Haunt.Errors;
global using Haunt.Grains;
global using Haunt.Grains.Peers;
global using Haunt.Regions;
global using Haunt.Storage;
global using Haunt.Sync;
global using Microsoft.Extensions.DependencyInjection;
