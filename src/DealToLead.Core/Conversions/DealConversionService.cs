using System.Text.Json;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Core.Users;
using DealToLead.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DealToLead.Core.Conversions;

/// <summary>
/// Converts deals to leads and back. Every entry point (pipeline, detail, list, bulk job, API) goes
/// through this service; each conversion is one transaction and leaves a <see cref="Conversion"/> row.
/// </summary>
public sealed class DealConversionService(CrmDbContext db, TimeProvider clock, WebhookEvents? webhooks = null, ReferenceDataCache? referenceData = null)
{
    /// <summary>Counts of what would move and stay, the formula fields that would not be carried, or why it is refused.</summary>
    public async Task<ConversionPreview?> PreviewAsync(UserAccess actor, int dealId, CancellationToken cancellationToken = default)
    {
        var deal = await db.Deals.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(d => d.Id == dealId, cancellationToken);
        if (deal is null || !actor.CanSee(deal))
        {
            return null;
        }

        // One round trip: each count is a scalar subquery of the same SELECT.
        var counts = await db.Deals.IgnoreQueryFilters().Where(d => d.Id == dealId).Select(d => new
        {
            Upcoming = db.Activities.Count(a => a.DealId == d.Id && !a.Done),
            Done = db.Activities.Count(a => a.DealId == d.Id && a.Done),
            Notes = db.Notes.Count(n => n.DealId == d.Id),
            Emails = db.Emails.Count(e => e.DealId == d.Id),
            Files = db.Files.Count(f => f.DealId == d.Id),
            Invoices = db.Invoices.Count(i => i.DealId == d.Id),
            History = db.DealHistory.Count(h => h.DealId == d.Id),
        }).FirstAsync(cancellationToken);
        var convertedBefore = deal.IsDeleted && await db.Leads.AnyAsync(l => l.OriginDealId == deal.Id, cancellationToken);
        var rejection = ConversionRules.DealToLead(actor, deal, convertedBefore);
        return new ConversionPreview(
            deal.Id, deal.Title, rejection?.Reason, rejection?.Kind,
            counts.Upcoming, counts.Notes, counts.Emails, counts.Files, counts.Done, counts.Invoices, counts.History,
            FormulaFieldsWithValues(deal, await DealCustomFieldsAsync(cancellationToken)));
    }

    /// <summary>
    /// Converts the deal into a lead owned by <paramref name="actor"/>. Passing the same
    /// <paramref name="conversionId"/> again returns the first outcome instead of converting twice.
    /// Returns null when the deal does not exist or the actor may not see it.
    /// </summary>
    public async Task<ConversionOutcome?> ConvertDealToLeadAsync(UserAccess actor, int dealId, Guid? conversionId = null, CancellationToken cancellationToken = default) =>
        (await ConvertDealsToLeadsAsync(actor, [new DealToConvert(dealId, conversionId)], cancellationToken))[0];

    /// <summary>
    /// Converts many deals with a fixed number of SQL commands however many deals and items there are (see ADR 0005);
    /// each deal converts completely or is refused, and its outcome is at the same index as its request.
    /// A request whose <see cref="DealToConvert.ConversionId"/> was seen before returns that first outcome.
    /// </summary>
    public async Task<IReadOnlyList<ConversionOutcome?>> ConvertDealsToLeadsAsync(
        UserAccess actor, IReadOnlyList<DealToConvert> requests, CancellationToken cancellationToken = default)
    {
        var outcomes = new ConversionOutcome?[requests.Count];
        var suppliedIds = requests.Where(r => r.ConversionId is not null).Select(r => r.ConversionId!.Value).ToList();
        var earlier = suppliedIds.Count == 0
            ? []
            : await db.Conversions.AsNoTracking().Where(c => suppliedIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        var dealIds = requests.Select(r => r.DealId).Distinct().ToArray();
        var deals = await (dealIds is [var onlyDealId] ? DealById(db, onlyDealId) : DealsByIds(db, dealIds)).ToDictionaryAsync(d => d.Id, cancellationToken: cancellationToken);
        var deletedIds = deals.Values.Where(d => d.IsDeleted).Select(d => d.Id).ToList();
        var convertedBefore = deletedIds.Count == 0
            ? []
            : (await db.Leads.Where(l => l.OriginDealId != null && deletedIds.Contains(l.OriginDealId.Value))
                .Select(l => l.OriginDealId!.Value).Distinct().ToListAsync(cancellationToken)).ToHashSet();
        var fields = await DealCustomFieldsAsync(cancellationToken);

        var claims = new List<Claim>();
        var refusals = new List<(int Index, Guid Id, int DealId, Refusal Refusal)>();
        var requested = new HashSet<int>();
        for (var index = 0; index < requests.Count; index++)
        {
            var request = requests[index];
            if (request.ConversionId is { } suppliedId && earlier.TryGetValue(suppliedId, out var first))
            {
                outcomes[index] = ConversionOutcome.From(first);
                continue;
            }

            if (!deals.TryGetValue(request.DealId, out var deal) || !actor.CanSee(deal))
            {
                continue;
            }

            var id = request.ConversionId ?? Guid.NewGuid();
            var refusal = ConversionRules.DealToLead(actor, deal, convertedBefore.Contains(deal.Id))
                ?? (requested.Add(deal.Id) ? null : ConversionRules.AlreadyConverted);
            if (refusal is null)
            {
                claims.Add(new Claim(index, id, deal.Id, Guid.CreateVersion7(), FormulaFieldsWithValues(deal, fields)));
            }
            else
            {
                refusals.Add((index, id, deal.Id, refusal));
            }
        }

        if (claims.Count == 0 && refusals.Count == 0)
        {
            return outcomes;
        }

        var now = clock.GetUtcNow();
        var convertedDealIds = claims.Count == 0 ? [] : await InWebhookUnitAsync(async ct =>
        {
            var converted = await ConvertClaimsAsync(actor, claims, now, ct);
            await RecordConversionEventsAsync(actor, claims.Where(c => converted.Contains(c.DealId)).ToList(), ct);
            return converted;
        }, cancellationToken);
        var lost = claims.Where(c => !convertedDealIds.Contains(c.DealId)).ToList();
        foreach (var claim in claims.Where(c => convertedDealIds.Contains(c.DealId)))
        {
            outcomes[claim.Index] = new ConversionOutcome(claim.ConversionId, ConversionStatus.Completed, claim.DealId, claim.LeadId, null, claim.FormulaFieldsNotCarried);
        }

        // A claim is lost to a concurrent conversion, or to this one's own first attempt when a retry follows a commit
        // whose answer never arrived; that attempt's conversion row then says how it ended.
        var lostIds = lost.Select(c => c.ConversionId).ToList();
        var recorded = lostIds.Count == 0 ? [] : await db.Conversions.AsNoTracking().Where(c => lostIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        db.ChangeTracker.Clear();
        foreach (var claim in lost)
        {
            outcomes[claim.Index] = ConversionOutcome.From(recorded.GetValueOrDefault(claim.ConversionId)
                ?? AddRejection(claim.ConversionId, ConversionDirection.DealToLead, actor, claim.DealId, null, ConversionRules.AlreadyConverted, now));
        }

        foreach (var (index, id, dealId, refusal) in refusals)
        {
            outcomes[index] = ConversionOutcome.From(AddRejection(id, ConversionDirection.DealToLead, actor, dealId, null, refusal, now));
        }

        await db.SaveChangesAsync(cancellationToken);
        return outcomes;
    }

    /// <summary>What Pipedrive sends for a conversion, in its transaction: the deal's deletion and the lead's creation.</summary>
    private async Task RecordConversionEventsAsync(UserAccess actor, List<Claim> converted, CancellationToken cancellationToken)
    {
        if (webhooks is null || converted.Count == 0 || !await webhooks.AnyListenerAsync([WebhookNames.Deal, WebhookNames.Lead], cancellationToken))
        {
            return;
        }

        var dealIds = converted.Select(c => c.DealId).ToList();
        var leadIds = converted.Select(c => c.LeadId).ToList();
        var deals = await db.Deals.IgnoreQueryFilters().AsNoTracking().Where(d => dealIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, cancellationToken);
        var leads = await db.Leads.AsNoTracking().Where(l => leadIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, cancellationToken);
        foreach (var claim in converted)
        {
            await webhooks.RecordDeleteAsync(actor.UserId, deals[claim.DealId], cancellationToken, claim.ConversionId);
            await webhooks.RecordCreateAsync(actor.UserId, leads[claim.LeadId], cancellationToken, claim.ConversionId);
        }
    }

    private Task<T> InWebhookUnitAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        webhooks is null ? work(cancellationToken) : webhooks.InUnitAsync([WebhookNames.Deal, WebhookNames.Lead], work, cancellationToken);

    /// <summary>
    /// Converts the claimed deals in one statement, so atomically: soft-deletes each deal that is still live and not
    /// won, creates its lead from the deal as it is at that instant, logs both sides, records the conversion and moves
    /// the deal's upcoming activities, notes, emails and files to its lead. Returns the ids of the deals it converted.
    /// </summary>
    /// <remarks>
    /// One statement instead of change tracking plus a statement per kind: for a bulk chunk of 100 rich deals EF's
    /// inserts took 120 ms and its nullable-key updates scanned whole tables; a single conversion is one round trip.
    /// A single deal comes as scalar parameters rather than one-element arrays: PostgreSQL then reuses a generic plan
    /// of the prepared statement, whereas with arrays it plans every execution anew (docs/decisions/0008).
    /// </remarks>
    private async Task<HashSet<int>> ConvertClaimsAsync(UserAccess actor, List<Claim> claims, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var single = claims.Count == 1;
        NpgsqlParameter Requested<T>(string name, Func<Claim, T> value) =>
            single ? new NpgsqlParameter<T>(name, value(claims[0])) : new NpgsqlParameter<T[]>(name, claims.Select(value).ToArray());
        var parameters = new object[]
        {
            Requested("deal_id", c => c.DealId),
            Requested("lead_id", c => c.LeadId),
            Requested("conversion_id", c => c.ConversionId),
            Requested("formula_fields", c => JsonSerializer.Serialize(c.FormulaFieldsNotCarried)),
            new NpgsqlParameter<DateTimeOffset>("now", now),
            new NpgsqlParameter<int>("actor", actor.UserId),
            new NpgsqlParameter<string>("won", DealStatus.Won.ToString()),
            new NpgsqlParameter<string>("source", LeadSource.Deal.ToString()),
            new NpgsqlParameter<string>("log_kind", LeadLogKind.ConvertedFromDeal.ToString()),
            new NpgsqlParameter<string>("history_field", DealHistoryFields.ConvertedToLead),
            new NpgsqlParameter<string>("direction", ConversionDirection.DealToLead.ToString()),
            new NpgsqlParameter<string>("status", ConversionStatus.Completed.ToString()),
        };
        var converted = await db.Database.SqlQueryRaw<int>(single ? ConvertOneDealSql : ConvertDealsSql, parameters).ToListAsync(cancellationToken);
        return converted.ToHashSet();
    }

    private const string ConvertOneDealSql = """
        WITH requested AS (SELECT @deal_id AS deal_id, @lead_id AS lead_id, @conversion_id AS conversion_id, @formula_fields AS formula_fields),
        """ + ConvertRequestedSql;

    private const string ConvertDealsSql = """
        WITH requested AS (SELECT * FROM unnest(@deal_id, @lead_id, @conversion_id, @formula_fields) AS r(deal_id, lead_id, conversion_id, formula_fields)),
        """ + ConvertRequestedSql;

    private const string ConvertRequestedSql = """
        claimed AS (
            -- Only one transaction can soft-delete a live deal: a concurrent conversion waits on the row lock, then
            -- finds deleted_at set and updates nothing, so the database guarantees a single lead.
            UPDATE deals AS d SET deleted_at = @now, deleted_by_id = @actor, updated_at = @now, updated_by_id = @actor
            FROM requested AS r
            WHERE d.id = r.deal_id AND d.deleted_at IS NULL AND d.status <> @won
            RETURNING d.*, r.lead_id, r.conversion_id, r.formula_fields),
        new_leads AS (
            INSERT INTO leads (id, title, value_amount, value_currency, expected_close_date, probability, owner_id, creator_id,
                person_id, organization_id, visibility, label_ids, source, origin_deal_id, is_archived, was_seen, custom_fields,
                created_at, created_by_id, updated_at, updated_by_id)
            SELECT c.lead_id, c.title, c.value_amount, c.value_currency, c.expected_close_date, c.probability, @actor, @actor,
                c.person_id, c.organization_id, c.visibility, ARRAY[]::uuid[], @source, c.id, false, false, c.custom_fields,
                @now, @actor, @now, @actor
            FROM claimed AS c),
        logged AS (
            INSERT INTO lead_log (lead_id, at, user_id, kind, deal_id)
            SELECT c.lead_id, @now, @actor, @log_kind, c.id FROM claimed AS c),
        history AS (
            INSERT INTO deal_history (deal_id, at, user_id, field, new_value)
            SELECT c.id, @now, @actor, @history_field, c.lead_id::text FROM claimed AS c),
        recorded AS (
            INSERT INTO conversions (id, direction, deal_id, lead_id, requested_by_id, status, formula_fields_not_carried, created_at, completed_at)
            SELECT c.conversion_id, @direction, c.id, c.lead_id, @actor, @status,
                ARRAY(SELECT jsonb_array_elements_text(c.formula_fields::jsonb)), @now, @now
            FROM claimed AS c),
        moved_activities AS (
            UPDATE activities AS a SET lead_id = c.lead_id, moved_from_deal_id = a.deal_id, deal_id = NULL
            FROM claimed AS c WHERE a.deal_id = c.id AND NOT a.done),
        moved_notes AS (
            UPDATE notes AS n SET lead_id = c.lead_id, moved_from_deal_id = n.deal_id, deal_id = NULL
            FROM claimed AS c WHERE n.deal_id = c.id),
        moved_emails AS (
            UPDATE emails AS e SET lead_id = c.lead_id, moved_from_deal_id = e.deal_id, deal_id = NULL
            FROM claimed AS c WHERE e.deal_id = c.id),
        moved_files AS (
            UPDATE files AS f SET lead_id = c.lead_id, moved_from_deal_id = f.deal_id, deal_id = NULL
            FROM claimed AS c WHERE f.deal_id = c.id)
        SELECT id AS "Value" FROM claimed
        """;

    /// <summary>
    /// Undo: restores the deal and moves back exactly what the conversion moved. Items added to the lead since
    /// stay with it; the lead is deleted when nothing else is left on it, otherwise archived, so nothing is lost.
    /// </summary>
    /// <remarks>
    /// Undo and Convert to deal both start by locking the lead's row, and decide only after they hold it, so of two
    /// racing on one lead the second finds the lead gone (or its conversion undone) and is refused.
    /// </remarks>
    public async Task<ConversionOutcome?> UndoDealToLeadAsync(UserAccess actor, Guid leadId, CancellationToken cancellationToken = default)
    {
        var lead = await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == leadId, cancellationToken);
        if (lead is null || !actor.CanSee(lead))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var attempt = await db.InTransactionAsync<(ConversionOutcome? Done, Refusal? Refusal, int? DealId)>(async ct =>
        {
            var locked = await LockLeadAsync(leadId, ct);
            var conversion = locked is null ? null : await db.Conversions.AsNoTracking()
                .Where(c => c.LeadId == leadId && c.Direction == ConversionDirection.DealToLead && c.Status == ConversionStatus.Completed && c.UndoneAt == null)
                .OrderByDescending(c => c.CreatedAt)
                .FirstOrDefaultAsync(ct);
            var latestOfDeal = conversion?.DealId is { } convertedDealId
                ? await db.Conversions.AsNoTracking()
                    .Where(c => c.DealId == convertedDealId && c.Direction == ConversionDirection.DealToLead && c.Status == ConversionStatus.Completed)
                    .OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
                    .FirstOrDefaultAsync(ct)
                : null;
            var refusal = locked is null ? ConversionRules.UndoLost : ConversionRules.Undo(actor, locked, conversion, latestOfDeal, now);
            if (refusal is not null)
            {
                return (null, refusal, lead.OriginDealId);
            }

            var dealId = conversion!.DealId!.Value;
            var restored = await db.Deals.IgnoreQueryFilters()
                .Where(d => d.Id == dealId && d.DeletedAt != null)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.DeletedAt, (DateTimeOffset?)null).SetProperty(d => d.DeletedById, (int?)null)
                    .SetProperty(d => d.UpdatedAt, now).SetProperty(d => d.UpdatedById, actor.UserId), ct);
            var marked = await db.Conversions.Where(c => c.Id == conversion.Id && c.UndoneAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UndoneAt, now), ct);
            if (restored == 0 || marked == 0)
            {
                await db.AbandonTransactionAsync(ct);
                return (null, ConversionRules.UndoLost, dealId);
            }

            var leadBefore = webhooks is null ? null : await webhooks.BeforeChangeAsync(locked!, ct);
            await ItemMoves.MoveAsync(db, ItemParent.Lead(leadId), ItemParent.Deal(dealId), onlyMovedFromDeal: dealId, ct);
            db.DealHistory.Add(new DealHistoryEntry { DealId = dealId, At = now, UserId = actor.UserId, Field = DealHistoryFields.ConversionUndone, OldValue = leadId.ToString() });
            await db.SaveChangesAsync(ct);

            if (await ItemMoves.HoldsAnyAsync(db, ItemParent.Lead(leadId), ct))
            {
                await db.Leads.Where(l => l.Id == leadId).ExecuteUpdateAsync(s => s.SetProperty(l => l.IsArchived, true).SetProperty(l => l.UpdatedAt, now), ct);
                if (webhooks is not null)
                {
                    (locked!.IsArchived, locked.UpdatedAt) = (true, now);
                    await webhooks.RecordChangeAsync(actor.UserId, locked, leadBefore, ct, conversion.Id);
                }
            }
            else
            {
                if (webhooks is not null)
                {
                    await webhooks.RecordDeleteAsync(actor.UserId, locked!, ct, conversion.Id);
                }

                await db.Leads.Where(l => l.Id == leadId).ExecuteDeleteAsync(ct);
            }

            if (webhooks is not null && await db.Deals.AsNoTracking().FirstOrDefaultAsync(d => d.Id == dealId, ct) is { } restoredDeal)
            {
                await webhooks.RecordCreateAsync(actor.UserId, restoredDeal, ct, conversion.Id);
            }

            return (new ConversionOutcome(conversion.Id, ConversionStatus.Completed, dealId, leadId, "Conversion undone: the deal is restored.", []), null, dealId);
        }, cancellationToken);

        return attempt.Done ?? await RecordRejectionAsync(Guid.NewGuid(), ConversionDirection.LeadToDeal, actor, attempt.DealId, leadId, attempt.Refusal!, cancellationToken);
    }

    /// <summary>Converts a lead into a new deal in the given stage (default: first stage of the default pipeline).</summary>
    public async Task<ConversionOutcome?> ConvertLeadToDealAsync(UserAccess actor, Guid leadId, int? stageId = null, int? pipelineId = null, CancellationToken cancellationToken = default)
    {
        var lead = await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == leadId, cancellationToken);
        if (lead is null || !actor.CanSee(lead))
        {
            return null;
        }

        var refusal = ConversionRules.LeadToDeal(actor, lead);
        var stage = refusal is null ? await FindTargetStageAsync(stageId, pipelineId, cancellationToken) : null;
        if (refusal is not null || stage is null)
        {
            return await RecordRejectionAsync(Guid.NewGuid(), ConversionDirection.LeadToDeal, actor, null, leadId, refusal ?? ConversionRules.InvalidStage, cancellationToken);
        }

        var outcome = await db.InTransactionAsync(async ct =>
        {
            // Decided on the lead as it is once locked: an undo that got there first has deleted or archived it.
            var locked = await LockLeadAsync(leadId, ct);
            if (locked is null || ConversionRules.LeadToDeal(actor, locked) is not null || await ArchivedByUndoAsync(leadId, locked, ct))
            {
                return null;
            }

            var now = clock.GetUtcNow();
            var deal = new Deal
            {
                Title = locked.Title,
                ValueAmount = locked.ValueAmount ?? 0m,
                ValueCurrency = locked.ValueCurrency ?? "EUR",
                ExpectedCloseDate = locked.ExpectedCloseDate,
                Probability = locked.Probability,
                OwnerId = locked.OwnerId,
                PersonId = locked.PersonId,
                OrganizationId = locked.OrganizationId,
                PipelineId = stage.PipelineId,
                StageId = stage.Id,
                Visibility = locked.Visibility,
                CustomFields = new Dictionary<string, string>(locked.CustomFields),
                SourceLeadId = leadId,
                CreatedAt = now,
                CreatedById = actor.UserId,
            };
            db.Deals.Add(deal);
            await db.SaveChangesAsync(ct);

            var conversionId = Guid.NewGuid();
            if (webhooks is not null)
            {
                await webhooks.RecordDeleteAsync(actor.UserId, locked, ct, conversionId);
            }

            // Deleting the lead first would cascade to its items, so move them before the delete.
            await ItemMoves.MoveAsync(db, ItemParent.Lead(leadId), ItemParent.Deal(deal.Id), onlyMovedFromDeal: null, ct);
            await db.Leads.Where(l => l.Id == leadId).ExecuteDeleteAsync(ct);
            var conversion = new Conversion
            {
                Id = conversionId,
                Direction = ConversionDirection.LeadToDeal,
                DealId = deal.Id,
                LeadId = leadId,
                RequestedById = actor.UserId,
                Status = ConversionStatus.Completed,
                CreatedAt = now,
                CompletedAt = now,
            };
            db.Conversions.Add(conversion);
            db.DealHistory.Add(new DealHistoryEntry { DealId = deal.Id, At = now, UserId = actor.UserId, Field = DealHistoryFields.ConvertedFromLead, NewValue = leadId.ToString() });
            await db.SaveChangesAsync(ct);
            if (webhooks is not null)
            {
                await webhooks.RecordCreateAsync(actor.UserId, deal, ct, conversion.Id);
            }

            return ConversionOutcome.From(conversion);
        }, cancellationToken);

        return outcome ?? await RecordRejectionAsync(Guid.NewGuid(), ConversionDirection.LeadToDeal, actor, null, leadId, ConversionRules.LeadAlreadyConverted, cancellationToken);
    }

    /// <summary>The lead, locked until the transaction ends, or null when it is gone.</summary>
    private Task<Lead?> LockLeadAsync(Guid leadId, CancellationToken cancellationToken) =>
        db.Leads.FromSql($"SELECT *, xmin FROM leads WHERE id = {leadId} FOR UPDATE").AsNoTracking().FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// An undo that won the race but left the lead archived (it held items of its own) must still win, so a lead
    /// archived by undoing its conversion is not converted to a second deal until someone moves it back to the inbox.
    /// </summary>
    private Task<bool> ArchivedByUndoAsync(Guid leadId, Lead locked, CancellationToken cancellationToken) =>
        locked.IsArchived
            ? db.Conversions.AnyAsync(c => c.LeadId == leadId && c.Direction == ConversionDirection.DealToLead && c.UndoneAt != null, cancellationToken)
            : Task.FromResult(false);

    /// <summary>A conversion the actor may see: their own, or any for a global admin.</summary>
    public Task<Conversion?> FindAsync(UserAccess actor, Guid conversionId, CancellationToken cancellationToken = default) =>
        ConversionVisibleTo(db, conversionId, actor.IsGlobalAdmin, actor.UserId, cancellationToken);

    // Every conversion and status poll runs these, so they are compiled: a LINQ query spends about 90 µs of CPU
    // before it reaches the database, and compiled ones take 10-15 % off a conversion's app CPU (docs/decisions/0007).
    // A compiled query is bound to one EF model: the DbContext must be configured as the app's (tests add their
    // interceptors to the app's options).
    private static readonly Func<CrmDbContext, int[], IAsyncEnumerable<Deal>> DealsByIds = EF.CompileAsyncQuery(
        (CrmDbContext db, int[] ids) => db.Deals.IgnoreQueryFilters().AsNoTracking().Where(d => ids.Contains(d.Id)));

    // A single conversion loads its deal by equality: PostgreSQL's generic plan of "id = ANY($1)" guesses ten
    // elements, so a batch of one was planned again on every conversion (docs/decisions/0028).
    private static readonly Func<CrmDbContext, int, IAsyncEnumerable<Deal>> DealById = EF.CompileAsyncQuery(
        (CrmDbContext db, int id) => db.Deals.IgnoreQueryFilters().AsNoTracking().Where(d => d.Id == id));

    private static readonly Func<CrmDbContext, Guid, bool, int, CancellationToken, Task<Conversion?>> ConversionVisibleTo = EF.CompileAsyncQuery(
        (CrmDbContext db, Guid id, bool isGlobalAdmin, int userId, CancellationToken _) =>
            db.Conversions.AsNoTracking().FirstOrDefault(c => c.Id == id && (isGlobalAdmin || c.RequestedById == userId)));

    private async Task<Stage?> FindTargetStageAsync(int? stageId, int? pipelineId, CancellationToken cancellationToken)
    {
        if (stageId is { } sid)
        {
            return await db.Stages.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sid && (pipelineId == null || s.PipelineId == pipelineId), cancellationToken);
        }

        var pipelines = db.Pipelines.AsNoTracking();
        var pipeline = pipelineId is { } pid
            ? await pipelines.FirstOrDefaultAsync(p => p.Id == pid, cancellationToken)
            : await pipelines.OrderByDescending(p => p.IsDefault).ThenBy(p => p.OrderNr).ThenBy(p => p.Id).FirstOrDefaultAsync(cancellationToken);
        return pipeline is null
            ? null
            : await db.Stages.AsNoTracking().Where(s => s.PipelineId == pipeline.Id).OrderBy(s => s.OrderNr).FirstOrDefaultAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<CustomFieldDefinition>> DealCustomFieldsAsync(CancellationToken cancellationToken) =>
        referenceData is null ? await ReferenceDataCache.DealFields(db).ToListAsync(cancellationToken) : await referenceData.DealFieldsAsync(db, cancellationToken);

    /// <summary>Formula fields are computed, never stored, so they cannot travel; name those that have a value here.</summary>
    private static IReadOnlyList<string> FormulaFieldsWithValues(Deal deal, IReadOnlyList<CustomFieldDefinition> fields) =>
        fields
            .Where(f => f.IsFormula && f.FormulaExpression is not null && FormulaEvaluator.Evaluate(f.FormulaExpression, deal, fields) is not null)
            .Select(f => f.Name)
            .ToList();

    private async Task<ConversionOutcome> RecordRejectionAsync(
        Guid id, ConversionDirection direction, UserAccess actor, int? dealId, Guid? leadId, Refusal refusal, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var conversion = AddRejection(id, direction, actor, dealId, leadId, refusal, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return ConversionOutcome.From(conversion);
    }

    private Conversion AddRejection(Guid id, ConversionDirection direction, UserAccess actor, int? dealId, Guid? leadId, Refusal refusal, DateTimeOffset now)
    {
        var conversion = new Conversion
        {
            Id = id,
            Direction = direction,
            DealId = dealId,
            LeadId = leadId,
            RequestedById = actor.UserId,
            Status = ConversionStatus.Rejected,
            Rejection = refusal.Kind,
            Reason = refusal.Reason,
            CreatedAt = now,
            CompletedAt = now,
        };
        db.Conversions.Add(conversion);
        return conversion;
    }

    private sealed record Claim(int Index, Guid ConversionId, int DealId, Guid LeadId, IReadOnlyList<string> FormulaFieldsNotCarried);

}
