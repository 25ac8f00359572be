using System.Text;

namespace Haunt.Replication.Protocol;

/// <summary>
/// The bytes a <see cref="MessageSeal"/> covers: the message's type, route and send time, then every field of its
/// content in a fixed order (dictionaries by key), each length-prefixed, so no two messages share them. A message
/// type without an entry here cannot be sealed, so a new one cannot go out unsigned by omission.
/// </summary>
internal static class SealedContent
{
    public static byte[] Of(SyncMessage message, long sentAtMs)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(message.GetType().Name);
            w.Write(message.From ?? "");
            w.Write(message.To ?? "");
            w.Write(sentAtMs);
            switch (message)
            {
                case BatchAck ack:
                    w.Write(ack.BatchId); w.Write(ack.Applied); w.Write(ack.Conflicts); w.Write(ack.EchoSentAt);
                    if (ack.Refused is { Length: > 0 } refused)
                    {
                        // Only when there are any: an ack without refusals seals as it did before deltas existed.
                        w.Write(refused.Length);
                        foreach (var seq in refused)
                        {
                            w.Write(seq);
                        }
                    }

                    break;
                case BatchReject reject:
                    w.Write(reject.BatchId); w.Write(reject.Reason ?? "");
                    break;
                case Heartbeat heartbeat:
                    w.Write(heartbeat.Watermark); w.Write(heartbeat.QueueDepth); w.Write(heartbeat.MembershipVersion);
                    break;
                case DigestRequest request:
                    w.Write(request.RoundId); w.Write(request.Buckets);
                    break;
                case DigestResponse response:
                    w.Write(response.RoundId);
                    Write(w, response.Digests, (writer, digests) => Strings(writer, digests));
                    break;
                case RepairRequest request:
                    w.Write(request.RoundId); w.Write(request.BucketCount);
                    Write(w, request.Buckets, (writer, buckets) => Numbers(writer, buckets));
                    Write(w, request.Held, (writer, held) => Write(writer, held, (x, fingerprint) => x.Write(fingerprint)));
                    Write(w, request.Ids, (writer, ids) => Strings(writer, ids));
                    w.Write(request.More);
                    break;
                case RepairResponse response:
                    w.Write(response.RoundId);
                    w.Write(response.States?.BatchId ?? 0); w.Write(response.States?.Count ?? 0);
                    Bytes(w, response.States?.Checksum); Bytes(w, response.States?.Signature);
                    break;
                case SnapshotRequest request:
                    w.Write(request.ReleasedRows);
                    break;
                case ConflictNotice notice:
                    w.Write((int)notice.EntityType); w.Write(notice.EntityId ?? ""); w.Write(notice.Winner ?? ""); w.Write(notice.Policy ?? "");
                    break;
                case MembershipProposal proposal:
                    Write(w, proposal.Proposed);
                    break;
                case MembershipVote vote:
                    w.Write(vote.Version); w.Write(vote.Accepted); w.Write(vote.Reason ?? "");
                    break;
                case MembershipCommit commit:
                    Write(w, commit.Agreed);
                    break;
                default:
                    throw new NotSupportedException($"{message.GetType().Name} has no sealed content.");
            }
        }

        return buffer.ToArray();
    }

    private static void Write<TKey, TValue>(BinaryWriter w, IReadOnlyDictionary<TKey, TValue>? map, Action<BinaryWriter, TValue> value) where TKey : notnull
    {
        if (map is null)
        {
            w.Write(-1);
            return;
        }

        w.Write(map.Count);
        foreach (var (key, item) in map.OrderBy(e => e.Key.ToString(), StringComparer.Ordinal))
        {
            w.Write(key.ToString() ?? "");
            value(w, item);
        }
    }

    private static void Write(BinaryWriter w, Membership? membership)
    {
        w.Write(membership?.Version ?? -1);
        Strings(w, membership?.Regions);
        w.Write(membership?.Primary ?? "");
        w.Write(membership?.Change ?? "");
        Write(w, membership?.Gateways, (writer, gateways) => Strings(writer, gateways));
        Write(w, membership?.Successors, (writer, successor) => writer.Write(successor ?? ""));
    }

    private static void Strings(BinaryWriter w, string[]? items)
    {
        w.Write(items?.Length ?? -1);
        foreach (var item in items ?? [])
        {
            w.Write(item ?? "");
        }
    }

    private static void Numbers(BinaryWriter w, int[]? items)
    {
        w.Write(items?.Length ?? -1);
        foreach (var item in items ?? [])
        {
            w.Write(item);
        }
    }

    private static void Bytes(BinaryWriter w, byte[]? bytes)
    {
        w.Write(bytes?.Length ?? -1);
        w.Write(bytes ?? []);
    }
}
