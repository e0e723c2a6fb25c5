using System.Text.Json;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Api;

public sealed record ContactValue(string Value, bool Primary = false, string? Label = null);

[OmitNulls]
public sealed record PersonDto(int Id, string Name, List<ContactValue> Emails, List<ContactValue> Phones, int? OrgId, int? OwnerId,
    DateTimeOffset AddTime, DateTimeOffset UpdateTime, Dictionary<string, string?> CustomFields)
{
    public static PersonDto From(Person p, IEnumerable<CustomFieldDefinition> fields) => new(p.Id, p.Name,
        p.Emails.Select((e, i) => new ContactValue(e, i == 0, "work")).ToList(), p.Phones.Select((e, i) => new ContactValue(e, i == 0, "work")).ToList(),
        p.OrganizationId, p.OwnerId, p.CreatedAt, p.UpdatedAt, fields.ToDictionary(f => f.Key, f => p.CustomFields.GetValueOrDefault(f.Key)));
}

public sealed record PersonRequest(string? Name, List<ContactValue?>? Emails, List<ContactValue?>? Phones, int? OrgId, int? OwnerId, Dictionary<string, JsonElement>? CustomFields);

[OmitNulls]
public sealed record OrganizationDto(int Id, string Name, Dictionary<string, string>? Address, int? OwnerId, DateTimeOffset AddTime, DateTimeOffset UpdateTime, Dictionary<string, string?> CustomFields)
{
    public static OrganizationDto From(Organization o, IEnumerable<CustomFieldDefinition> fields) => new(o.Id, o.Name, AddressOf(o), o.OwnerId, o.CreatedAt, o.UpdatedAt,
        fields.ToDictionary(f => f.Key, f => o.CustomFields.GetValueOrDefault(f.Key)));

    /// <summary>Pipedrive's address object: the line as <c>value</c> beside its components.</summary>
    private static Dictionary<string, string>? AddressOf(Organization o)
    {
        if (o.Address is null && o.AddressParts.Count == 0)
        {
            return null;
        }

        var address = new Dictionary<string, string>(o.AddressParts);
        if (o.Address is not null)
        {
            address["value"] = o.Address;
        }

        return address;
    }
}

/// <summary><c>address</c> is Pipedrive's object (<c>value</c> and components) or, as before, just the line.</summary>
public sealed record OrganizationRequest(string? Name, JsonElement? Address, int? OwnerId, Dictionary<string, JsonElement>? CustomFields);

/// <summary>Persons and organizations are shared by the whole company; deals carry the visibility rules.</summary>
public static class ContactsApi
{
    public static RouteGroupBuilder MapContactsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/v2/persons", ListPersons);
        api.MapGet("/v2/persons/{id:int}", GetPerson);
        api.MapPost("/v2/persons", CreatePerson);
        api.MapPatch("/v2/persons/{id:int}", UpdatePerson);
        api.MapDelete("/v2/persons/{id:int}", DeletePerson);
        api.MapGet("/v2/organizations", ListOrganizations);
        api.MapGet("/v2/organizations/{id:int}", GetOrganization);
        api.MapPost("/v2/organizations", CreateOrganization);
        api.MapPatch("/v2/organizations/{id:int}", UpdateOrganization);
        api.MapDelete("/v2/organizations/{id:int}", DeleteOrganization);
        return api;
    }

    private static Task<List<CustomFieldDefinition>> FieldsAsync(CrmDbContext db, CustomFieldEntity entity, CancellationToken ct) =>
        db.CustomFields.AsNoTracking().Where(f => f.Entity == entity).OrderBy(f => f.OrderNr).ToListAsync(ct);

    private static readonly KeysetSorts<Person, int> PersonSorts = new KeysetSorts<Person, int>(p => p.Id)
        .With("update_time", p => p.UpdatedAt)
        .With("add_time", p => p.CreatedAt);

    private static readonly KeysetSorts<Organization, int> OrganizationSorts = new KeysetSorts<Organization, int>(o => o.Id)
        .With("update_time", o => o.UpdatedAt)
        .With("add_time", o => o.CreatedAt);

    /// <summary>The query parameters of Pipedrive's v2 getPersons and getOrganizations that DealToLead reads (organizations ignore org_id and deal_id).</summary>
    public sealed record ContactListQuery(
        [property: FromQuery(Name = "filter_id")] int? FilterId,
        string? Ids,
        [property: FromQuery(Name = "owner_id")] int? OwnerId,
        [property: FromQuery(Name = "updated_since")] string? UpdatedSince,
        [property: FromQuery(Name = "updated_until")] string? UpdatedUntil,
        [property: FromQuery(Name = "custom_fields")] string? CustomFields);

    /// <summary>The filter parameters both contact lists share, read and checked.</summary>
    private sealed record ContactFilter(List<int>? Ids, DateTimeOffset? UpdatedSince, DateTimeOffset? UpdatedUntil, HashSet<string>? CustomFieldKeys);

    private static bool TryRead(ContactListQuery q, out ContactFilter filter, out IResult? error)
    {
        filter = null!;
        if ((error = ListParameters.RefuseFilterId(q.FilterId)) is not null
            || !ListParameters.TryReadIds(q.Ids, out var ids, out error)
            || !ListParameters.TryReadTime("updated_since", q.UpdatedSince, out var since, out error)
            || !ListParameters.TryReadTime("updated_until", q.UpdatedUntil, out var until, out error)
            || !ListParameters.TryReadCustomFieldKeys(q.CustomFields, out var keys, out error))
        {
            return false;
        }

        filter = new ContactFilter(ids, since, until, keys);
        return true;
    }

    private static async Task<IResult> ListPersons(ReadContext reads, CurrentUser currentUser, [AsParameters] ContactListQuery q, [FromQuery(Name = "org_id")] int? orgId,
        [FromQuery(Name = "deal_id")] int? dealId, [AsParameters] CursorQuery page, CancellationToken ct)
    {
        // A list may come from the replica (docs/decisions/0020).
        var db = await reads.ContextAsync(ct);
        if (!TryRead(q, out var filter, out var error) || !PersonSorts.TryRead(page, out var paging, out error))
        {
            return error!;
        }

        var query = db.Persons.AsNoTracking();
        query = orgId is { } o ? query.Where(p => p.OrganizationId == o) : query;
        query = q.OwnerId is { } owner ? query.Where(p => p.OwnerId == owner) : query;
        query = filter.Ids is { } ids ? query.Where(p => ids.Contains(p.Id)) : query;
        query = filter.UpdatedSince is { } since ? query.Where(p => p.UpdatedAt >= since) : query;
        query = filter.UpdatedUntil is { } until ? query.Where(p => p.UpdatedAt < until) : query;
        if (dealId is { } d)
        {
            var deals = db.Deals.AsNoTracking().VisibleTo(await currentUser.RequireAccessAsync(ct));
            query = query.Where(p => deals.Any(deal => deal.Id == d && deal.PersonId == p.Id));
        }

        var persons = await paging.ReadAsync(query, ct);
        var fields = await FieldsAsync(db, CustomFieldEntity.Person, ct);
        return persons.Ok(persons.Items.Select(p => PersonDto.From(p, fields)).Select(dto => dto with { CustomFields = dto.CustomFields.Only(filter.CustomFieldKeys) }));
    }

    private static async Task<IResult> GetPerson(int id, CrmDbContext db, CancellationToken ct) =>
        await db.Persons.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) is { } person
            ? ApiResults.Ok(PersonDto.From(person, await FieldsAsync(db, CustomFieldEntity.Person, ct)))
            : ApiResults.NotFound("Person");

    private static async Task<IResult> CreatePerson(PersonRequest? request, CurrentUser currentUser, CrmDbContext db, ContactCommands commands, CancellationToken ct)
    {
        if (!TryChanges(request, out var changes, out var error))
        {
            return ApiResults.BadRequest(error!);
        }

        var result = await commands.CreatePersonAsync(await currentUser.RequireAccessAsync(ct), changes, ct);
        return await result.ToApiAsync(async p => (object?)PersonDto.From(p, await FieldsAsync(db, CustomFieldEntity.Person, ct)), StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdatePerson(int id, PersonRequest? request, CrmDbContext db, ContactCommands commands, CancellationToken ct)
    {
        if (!TryChanges(request, out var changes, out var error))
        {
            return ApiResults.BadRequest(error!);
        }

        var result = await commands.UpdatePersonAsync(id, changes, ct);
        return await result.ToApiAsync(async p => (object?)PersonDto.From(p, await FieldsAsync(db, CustomFieldEntity.Person, ct)));
    }

    private static async Task<IResult> DeletePerson(int id, ContactCommands commands, CancellationToken ct) =>
        (await commands.DeletePersonAsync(id, ct)).ToApi(deleted => new { Id = deleted });

    private static bool TryChanges(PersonRequest? r, out PersonChanges changes, out string? error)
    {
        changes = new PersonChanges();
        if (r is null)
        {
            error = "Send the person as a JSON object.";
            return false;
        }

        if (!CrmApiSupport.TryReadCustomFields(r.CustomFields, out var custom, out error))
        {
            return false;
        }

        if (r.Emails?.Contains(null) == true || r.Phones?.Contains(null) == true)
        {
            error = "emails and phones must be lists of {\"value\": …} objects, without null.";
            return false;
        }

        changes = new PersonChanges
        {
            Name = r.Name,
            Emails = r.Emails?.Select(e => e?.Value).ToList(),
            Phones = r.Phones?.Select(e => e?.Value).ToList(),
            OrganizationId = r.OrgId,
            OwnerId = r.OwnerId,
            CustomFields = custom,
        };
        return true;
    }

    private static async Task<IResult> ListOrganizations(ReadContext reads, [AsParameters] ContactListQuery q, [AsParameters] CursorQuery page, CancellationToken ct)
    {
        // A list may come from the replica (docs/decisions/0020).
        var db = await reads.ContextAsync(ct);
        if (!TryRead(q, out var filter, out var error) || !OrganizationSorts.TryRead(page, out var paging, out error))
        {
            return error!;
        }

        var query = db.Organizations.AsNoTracking();
        query = q.OwnerId is { } owner ? query.Where(o => o.OwnerId == owner) : query;
        query = filter.Ids is { } ids ? query.Where(o => ids.Contains(o.Id)) : query;
        query = filter.UpdatedSince is { } since ? query.Where(o => o.UpdatedAt >= since) : query;
        query = filter.UpdatedUntil is { } until ? query.Where(o => o.UpdatedAt < until) : query;

        var orgs = await paging.ReadAsync(query, ct);
        var fields = await FieldsAsync(db, CustomFieldEntity.Organization, ct);
        return orgs.Ok(orgs.Items.Select(o => OrganizationDto.From(o, fields)).Select(dto => dto with { CustomFields = dto.CustomFields.Only(filter.CustomFieldKeys) }));
    }

    private static async Task<IResult> GetOrganization(int id, CrmDbContext db, CancellationToken ct) =>
        await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct) is { } org
            ? ApiResults.Ok(OrganizationDto.From(org, await FieldsAsync(db, CustomFieldEntity.Organization, ct)))
            : ApiResults.NotFound("Organization");

    private static async Task<IResult> CreateOrganization(OrganizationRequest? request, CurrentUser currentUser, CrmDbContext db, ContactCommands commands, CancellationToken ct)
    {
        if (!TryChanges(request, out var changes, out var error))
        {
            return ApiResults.BadRequest(error!);
        }

        var result = await commands.CreateOrganizationAsync(await currentUser.RequireAccessAsync(ct), changes, ct);
        return await result.ToApiAsync(async o => (object?)OrganizationDto.From(o, await FieldsAsync(db, CustomFieldEntity.Organization, ct)), StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateOrganization(int id, OrganizationRequest? request, CrmDbContext db, ContactCommands commands, CancellationToken ct)
    {
        if (!TryChanges(request, out var changes, out var error))
        {
            return ApiResults.BadRequest(error!);
        }

        var result = await commands.UpdateOrganizationAsync(id, changes, ct);
        return await result.ToApiAsync(async o => (object?)OrganizationDto.From(o, await FieldsAsync(db, CustomFieldEntity.Organization, ct)));
    }

    private static async Task<IResult> DeleteOrganization(int id, ContactCommands commands, CancellationToken ct) =>
        (await commands.DeleteOrganizationAsync(id, ct)).ToApi(deleted => new { Id = deleted });

    private static bool TryChanges(OrganizationRequest? r, out OrganizationChanges changes, out string? error)
    {
        changes = new OrganizationChanges();
        if (r is null)
        {
            error = "Send the organization as a JSON object.";
            return false;
        }

        if (!CrmApiSupport.TryReadCustomFields(r.CustomFields, out var custom, out error))
        {
            return false;
        }

        if (!TryReadAddress(r.Address, out var line, out var parts, out error))
        {
            return false;
        }

        changes = new OrganizationChanges { Name = r.Name, Address = line, AddressParts = parts, OwnerId = r.OwnerId, CustomFields = custom };
        return true;
    }

    private static bool TryReadAddress(JsonElement? address, out string? line, out Dictionary<string, string>? parts, out string? error)
    {
        line = null;
        parts = null;
        error = null;
        switch (address?.ValueKind)
        {
            case null or JsonValueKind.Undefined:
                return true;
            case JsonValueKind.Null:
                line = string.Empty;
                return true;
            case JsonValueKind.String:
                line = address.Value.GetString();
                return true;
            case JsonValueKind.Object:
                parts = [];
                line = string.Empty;
                foreach (var part in address.Value.EnumerateObject())
                {
                    if (part.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    {
                        error = $"address.{part.Name} must be a string.";
                        return false;
                    }

                    if (part.Name == "value")
                    {
                        line = part.Value.GetString() ?? string.Empty;
                    }
                    else
                    {
                        parts[part.Name] = part.Value.GetString() ?? string.Empty;
                    }
                }

                return true;
            default:
                error = "address must be an object such as {\"value\": \"Drottninggatan 5, Stockholm\", \"locality\": \"Stockholm\"}.";
                return false;
        }
    }
}
