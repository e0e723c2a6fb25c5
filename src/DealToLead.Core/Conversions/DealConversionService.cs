using DealToLead.Core.Data;
using DealToLead.Core.Users;

namespace DealToLead.Core.Conversions;

/// <summary>
/// Converts deals to leads and back. Every entry point (pipeline, detail, list, bulk job, API) goes
/// through this service; each conversion is one transaction and leaves a <see cref="Conversion"/> row.
/// </summary>
public sealed class DealConversionService(CrmDbContext db, TimeProvider clock)
{
    /// <summary>Counts of what would move and stay, the formula fields that would not be carried, or why it is refused.</summary>
    public Task<ConversionPreview?> PreviewAsync(UserAccess actor, int dealId, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>
    /// Converts the deal into a lead owned by <paramref name="actor"/>. Passing the same
    /// <paramref name="conversionId"/> again returns the first outcome instead of converting twice.
    /// Returns null when the deal does not exist or the actor may not see it.
    /// </summary>
    public Task<ConversionOutcome?> ConvertDealToLeadAsync(UserAccess actor, int dealId, Guid? conversionId = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Undo: restores the deal, moves back what the conversion moved, deletes the lead.</summary>
    public Task<ConversionOutcome?> UndoDealToLeadAsync(UserAccess actor, Guid leadId, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Converts a lead into a new deal in the given stage (default: first stage of the default pipeline).</summary>
    public Task<ConversionOutcome?> ConvertLeadToDealAsync(UserAccess actor, Guid leadId, int? stageId = null, int? pipelineId = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public Task<Conversion?> FindAsync(UserAccess actor, Guid conversionId, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    private CrmDbContext Db => db;
    private TimeProvider Clock => clock;
}
