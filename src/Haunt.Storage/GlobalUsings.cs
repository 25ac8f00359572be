global using Haunt.Abstractions.Entities;
global using Haunt.Abstractions.Sync;
global using Haunt.Abstractions.Versioning;
global using Haunt.Abstractions.Regions;
