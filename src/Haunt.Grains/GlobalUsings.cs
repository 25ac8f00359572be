global using Haunt.Entities;
global using Haunt.Regions;
global using Haunt.Storage;
global using Haunt.Sync;
global using Haunt.Versioning;
global using Orleans;
global using Orleans.Concurrency;
global using Orleans.Runtime;
