global using Orleans;
global using Orleans.Concurrency;
global using Haunt.Abstractions.Grains;
