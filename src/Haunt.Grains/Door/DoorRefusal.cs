namespace Haunt.Grains.Door;

/// <summary>Why a connection was turned away at the door (none: admitted).</summary>
public enum DoorRefusal
{
    None,

    /// <summary>No proof in time, or not in the door's format (a plain Orleans client, a port scanner).</summary>
    NoProof,

    /// <summary>The proof was not made with this deployment's cluster key (another deployment, a guess, a replay: each challenge is new).</summary>
    WrongKey,

    /// <summary>A peer's client at the silo port, or a silo at the gateway.</summary>
    WrongRole,

    /// <summary>A name that is not a region of this deployment, this region claiming to be its own peer, or another region at the silo port.</summary>
    NotAllowed,

    /// <summary>Under TLS: the certificate shown names another region than the one claimed.</summary>
    CertificateMismatch,
}
