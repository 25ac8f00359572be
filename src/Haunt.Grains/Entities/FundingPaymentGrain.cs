using Haunt.Grains.Placement;
using Haunt.Grains.Replication;

namespace Haunt.Grains.Entities;

/// <summary>The replicated FundingPayment; all behaviour is the shared replica logic.</summary>
[RegionPlacement]
public sealed class FundingPaymentGrain(ReplicaServices services) : ReplicatedEntityGrain<FundingPayment>(services), IFundingPaymentGrain;
