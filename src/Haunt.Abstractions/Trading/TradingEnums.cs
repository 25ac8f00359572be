namespace Haunt.Abstractions.Trading;

[GenerateSerializer, Alias("haunt.OrderSide")]
public enum OrderSide { Buy = 1, Sell = 2 }

[GenerateSerializer, Alias("haunt.OrderKind")]
public enum OrderKind { Market = 1, Limit = 2 }

[GenerateSerializer, Alias("haunt.OrderStatus")]
public enum OrderStatus { Open = 1, Filled = 2, Cancelled = 3, Rejected = 4 }

[GenerateSerializer, Alias("haunt.OptionKind")]
public enum OptionKind { Call = 1, Put = 2 }
