namespace Haunt.Storage.Sql;

/// <summary>One SQL statement and its parameters, run by the writer alone or pipelined with others.</summary>
internal sealed class SqlStatement(string text)
{
    public string Text { get; } = text;

    public List<(string Name, object Value)> Parameters { get; } = [];

    public SqlStatement Add(string name, object? value)
    {
        Parameters.Add((name, value ?? DBNull.Value));
        return this;
    }
}
