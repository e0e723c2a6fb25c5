using System.IO.Compression;
using System.Text;

namespace DealToLead.Core.Files;

/// <summary>
/// The content type of a file, read from its first bytes: a name or a type sent by the client says nothing about what
/// the bytes are, and a browser that trusted it could be made to run a script from an "image".
/// </summary>
public static class FileContentTypes
{
    public const string Unknown = "application/octet-stream";
    public const string Pdf = "application/pdf";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Gif = "image/gif";
    public const string Zip = "application/zip";
    public const string Text = "text/plain";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

    private const int TextSampleBytes = 8192;

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>Reads from the start of a seekable stream and leaves it at the start.</summary>
    public static string Sniff(Stream content)
    {
        content.Position = 0;
        var head = new byte[TextSampleBytes];
        var length = ReadAtMost(content, head);
        content.Position = 0;
        var bytes = head.AsSpan(0, length);

        var type = bytes switch
        {
            _ when bytes.StartsWith("%PDF-"u8) => Pdf,
            _ when bytes.StartsWith(PngSignature) => Png,
            _ when bytes.StartsWith(JpegSignature) => Jpeg,
            _ when bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8) => Gif,
            _ when bytes.StartsWith("PK\x03\x04"u8) || bytes.StartsWith("PK\x05\x06"u8) => null,
            _ when IsText(bytes, complete: length < TextSampleBytes) => Text,
            _ => Unknown,
        };
        if (type is not null)
        {
            return type;
        }

        var zipType = OfficeTypeOrZip(content);
        content.Position = 0;
        return zipType;
    }

    private static int ReadAtMost(Stream content, byte[] buffer)
    {
        var total = 0;
        int read;
        while (total < buffer.Length && (read = content.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        return total;
    }

    /// <summary>An OOXML document is a ZIP whose parts say which: word/, xl/ or ppt/ beside [Content_Types].xml.</summary>
    private static string OfficeTypeOrZip(Stream content)
    {
        try
        {
            using var archive = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            var names = archive.Entries.Select(e => e.FullName).ToList();
            if (!names.Contains("[Content_Types].xml"))
            {
                return Zip;
            }

            return names.Any(n => n.StartsWith("word/", StringComparison.Ordinal)) ? Docx
                : names.Any(n => n.StartsWith("xl/", StringComparison.Ordinal)) ? Xlsx
                : names.Any(n => n.StartsWith("ppt/", StringComparison.Ordinal)) ? Pptx
                : Zip;
        }
        catch (InvalidDataException)
        {
            // Starts like a ZIP but is not one: say nothing about it.
            return Unknown;
        }
    }

    /// <summary>UTF-8 without control characters other than tab, line breaks and form feed.</summary>
    private static bool IsText(ReadOnlySpan<byte> bytes, bool complete)
    {
        if (bytes.IsEmpty)
        {
            return false;
        }

        if (bytes.StartsWith(Utf8ByteOrderMark))
        {
            bytes = bytes[3..];
        }

        foreach (var b in bytes)
        {
            if (b < 0x20 && b is not (byte)'\t' and not (byte)'\n' and not (byte)'\r' and not 0x0C)
            {
                return false;
            }
        }

        // The sample may end inside a multi-byte character; only a complete file must end on a whole one.
        var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        for (var cut = 0; cut < (complete ? 1 : 4) && cut < bytes.Length; cut++)
        {
            try
            {
                decoder.GetCharCount(bytes[..^cut]);
                return true;
            }
            catch (DecoderFallbackException)
            {
            }
        }

        return false;
    }
}
