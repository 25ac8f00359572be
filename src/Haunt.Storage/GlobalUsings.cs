global using Haunt.Entities;
global using Haunt.Sync;
global using Haunt.Versioning;
global using Haunt.Regions;
