namespace Omemo.Errors;

/// <summary>
/// The OMEMO store could not be opened, read or written (I/O error, locked database, constraint failure). The
/// message names the operation only: it never contains key material or stored values.
/// </summary>
public class StorageException : OmemoException
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    public StorageException(string message) : base(message) { }

    /// <summary>Creates the exception with a secret-free message and the underlying cause.</summary>
    public StorageException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The store file is not a database, or its content is damaged (e.g. an undecodable record).</summary>
public sealed class StorageCorruptedException : StorageException
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    public StorageCorruptedException(string message) : base(message) { }

    /// <summary>Creates the exception with a secret-free message and the underlying cause.</summary>
    public StorageCorruptedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// The store was written by a newer version of the engine (its schema version is higher than this version
/// supports); it is left untouched rather than being misread or downgraded.
/// </summary>
public sealed class UnsupportedStorageVersionException : StorageException
{
    /// <summary>Creates the exception for a store at <paramref name="foundVersion"/>.</summary>
    public UnsupportedStorageVersionException(long foundVersion, long supportedVersion)
        : base($"The OMEMO store has schema version {foundVersion}; this version supports up to {supportedVersion}.")
    {
        FoundVersion = foundVersion;
        SupportedVersion = supportedVersion;
    }

    /// <summary>The schema version found in the store.</summary>
    public long FoundVersion { get; }

    /// <summary>The highest schema version this engine reads and writes.</summary>
    public long SupportedVersion { get; }
}
