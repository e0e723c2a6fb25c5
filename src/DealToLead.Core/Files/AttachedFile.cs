using DealToLead.Core.Crm;
using DealToLead.Core.Users;

namespace DealToLead.Core.Files;

/// <summary>
/// A file attached to a deal or a lead. Only its description lives here; the bytes are an
/// <see cref="AttachedFileContent"/> in their own table, so listing files never reads them.
/// </summary>
public class AttachedFile : IDealOrLeadItem
{
    public const int MaxNameLength = 255;
    public const int MaxDescriptionLength = 2000;

    public int Id { get; set; }
    public required string FileName { get; set; }
    public string? Description { get; set; }

    /// <summary>Determined from the bytes (<see cref="FileContentTypes"/>), never taken from the client.</summary>
    public required string ContentType { get; set; }

    public long Size { get; set; }
    public int UploadedById { get; set; }
    public AppUser? UploadedBy { get; set; }
    public int? DealId { get; set; }
    public Guid? LeadId { get; set; }
    public int? MovedFromDealId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The bytes of an <see cref="AttachedFile"/>. Written and read as streams by <see cref="FileCommands"/>, never loaded by EF.</summary>
public class AttachedFileContent
{
    public int FileId { get; set; }
    public byte[] Content { get; set; } = [];
}

/// <summary>The <c>Files</c> settings.</summary>
public sealed class FileStorageOptions
{
    public const string Section = "Files";

    /// <summary>The largest file accepted, by the pages and the API alike.</summary>
    public long MaxBytes { get; set; } = 25 * 1024 * 1024;

    public string TooLargeMessage => $"The file is larger than {FileSizes.Format(MaxBytes)}, the most a file may be.";
}

public static class FileSizes
{
    public static string Format(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MB",
    };
}
