namespace Haunt.Abstractions.Errors;

/// <summary>
/// The entity's current state forbids the operation (it already exists, the order is no longer open, the cash
/// does not cover it, it kept changing under the write). The caller's request was understood; the API answers 409.
/// </summary>
[GenerateSerializer, Alias("haunt.OperationRefusedException")]
public sealed class OperationRefusedException : Exception
{
    public OperationRefusedException() { }

    public OperationRefusedException(string message) : base(message) { }

    public OperationRefusedException(string message, Exception inner) : base(message, inner) { }
}
