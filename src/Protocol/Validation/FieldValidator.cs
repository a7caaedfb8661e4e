using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace ChatResilience.Protocol.Validation;

/// <summary>Checks field values against PROTOCOL.md §2; every failure is an <c>invalid_frame</c> or <c>too_large</c>.</summary>
internal readonly struct FieldValidator(FrameLimits limits, string frameType)
{
    public FrameLimits Limits { get; } = limits;

    [DoesNotReturn]
    public void Fail(string field, string problem) =>
        throw new ProtocolException(ErrorCodes.InvalidFrame, $"{frameType}.{field}: {problem}") { FrameType = frameType };

    /// <summary>
    /// A non-nullable field that has a default can still arrive as an explicit <c>null</c> (System.Text.Json
    /// does not enforce nullability there); refuse it so no consumer meets a null it was promised away.
    /// </summary>
    public void NotNull(string field, object? value)
    {
        if (value is null)
        {
            Fail(field, "must not be null");
        }
    }

    public void Integer(string field, long value)
    {
        if (value is < 0 or > ProtocolConstants.MaxSafeInteger)
        {
            Fail(field, $"must be an integer 0..{ProtocolConstants.MaxSafeInteger}");
        }
    }

    public void OptionalInteger(string field, long? value)
    {
        if (value is { } v)
        {
            Integer(field, v);
        }
    }

    public void Id(string field, string? value)
    {
        if (!ProtocolFields.IsId(value))
        {
            Fail(field, "must be 1-64 chars of [A-Za-z0-9._:-]");
        }
    }

    public void OptionalId(string field, string? value)
    {
        if (value is not null)
        {
            Id(field, value);
        }
    }

    public void Room(string field, string? value)
    {
        if (!ProtocolFields.IsRoom(value))
        {
            Fail(field, "must match ^[a-z0-9][a-z0-9._:-]{0,127}$");
        }
    }

    public void Text(string field, string? value, int maxChars)
    {
        if (value is null || value.Length > maxChars)
        {
            Fail(field, $"must be a string of at most {maxChars} chars");
        }
    }

    public void Body(string field, string? value)
    {
        if (value is null)
        {
            Fail(field, "is required");
        }

        // Cheap bound first: a UTF-8 encoding is at most 3 bytes per UTF-16 char.
        if (value.Length * 3 > Limits.MaxBodyBytes && Encoding.UTF8.GetByteCount(value) > Limits.MaxBodyBytes)
        {
            throw new ProtocolException(ErrorCodes.TooLarge, $"body is larger than maxBodyBytes ({Limits.MaxBodyBytes})") { FrameType = frameType };
        }
    }

    public void Meta(string field, IReadOnlyDictionary<string, string>? meta)
    {
        if (meta is null)
        {
            return;
        }

        if (meta.Count > ProtocolConstants.MaxMetaEntries)
        {
            Fail(field, $"more than {ProtocolConstants.MaxMetaEntries} entries");
        }

        foreach (var (key, value) in meta)
        {
            if (key.Length is 0 or > ProtocolConstants.MaxIdChars)
            {
                Fail(field, $"keys must be 1..{ProtocolConstants.MaxIdChars} chars");
            }

            if (value is null || value.Length > ProtocolConstants.MaxMetaValueChars)
            {
                Fail(field, $"values must be strings of at most {ProtocolConstants.MaxMetaValueChars} chars");
            }
        }
    }
}
