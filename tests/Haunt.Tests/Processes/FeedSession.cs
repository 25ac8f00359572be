namespace Haunt.Tests.Processes;

/// <summary>One run of a feed consumer, after the seq of the token it had saved (0: from the oldest kept) until it was killed; Streamed: server-sent events, else long-poll pages.</summary>
public sealed record FeedSession(long From, bool Streamed, List<ReceivedChange> Changes);
