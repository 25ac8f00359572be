global using Haunt.Entities;
global using Haunt.Grains;
global using Haunt.Regions;
global using Haunt.Storage;
global using Haunt.Sync;
global using Haunt.Versioning;
global using Microsoft.Extensions.DependencyInjection;
global using Xunit;
