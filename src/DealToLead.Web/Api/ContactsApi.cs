using System.Text.Json;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Api;

public sealed record ContactValue(string Value, bool Primary = false, string? Label = null);

public sealed record PersonDto(int Id, string Name, List<ContactValue> Emails, List<ContactValue> Phones, int? OrgId, int? OwnerId,
    DateTimeOffset AddTime, DateTimeOffset UpdateTime, Dictionary<string, string?> CustomFields)
{
    public static PersonDto From(Person p, IEnumerable<CustomFieldDefinition> fields) => new(p.Id, p.Name,
        p.Emails.Select((e, i) => new ContactValue(e, i == 0, "work")).ToList(), p.Phones.Select((e, i) => new ContactValue(e, i == 0, "work")).ToList(),
        p.OrganizationId, p.OwnerId, p.CreatedAt, p.UpdatedAt, fields.ToDictionary(f => f.Key, f => p.CustomFields.GetValueOrDefault(f.Key)));
}

public sealed record PersonRequest(string? Name, List<ContactValue>? Emails, List<ContactValue>? Phones, int? OrgId, int? OwnerId, Dictionary<string, JsonElement>? CustomFields);

public sealed record OrganizationDto(int Id, string Name, string? Address, int? OwnerId, DateTimeOffset AddTime, DateTimeOffset UpdateTime, Dictionary<string, string?> CustomFields)
{
    public static OrganizationDto From(Organization o, IEnumerable<CustomFieldDefinition> fields) => new(o.Id, o.Name, o.Address, o.OwnerId, o.CreatedAt, o.UpdatedAt,
        fields.ToDictionary(f => f.Key, f => o.CustomFields.GetValueOrDefault(f.Key)));
}

public sealed record OrganizationRequest(string? Name, string? Address, int? OwnerId, Dictionary<string, JsonElement>? CustomFields);

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

    private static async Task<IResult> ListPersons(CrmDbContext db, [FromQuery(Name = "org_id")] int? orgId, int? start, int? limit, CancellationToken ct)
    {
        if (!Paging.TryCreate(start, limit, out var paging, out var error))
        {
            return error!;
        }

        var query = db.Persons.AsNoTracking();
        if (orgId is { } o)
        {
            query = query.Where(p => p.OrganizationId == o);
        }

        var persons = await query.OrderBy(p => p.Id).Skip(paging.Start).Take(paging.Limit + 1).ToListAsync(ct);
        var fields = await FieldsAsync(db, CustomFieldEntity.Person, ct);
        return paging.Page(persons.Select(p => PersonDto.From(p, fields)).ToList());
    }

    private static async Task<IResult> GetPerson(int id, CrmDbContext db, CancellationToken ct) =>
        await db.Persons.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) is { } person
            ? ApiResults.Ok(PersonDto.From(person, await FieldsAsync(db, CustomFieldEntity.Person, ct)))
            : ApiResults.NotFound("Person");

    private static Task<IResult> CreatePerson(PersonRequest? request, CrmDbContext db, CancellationToken ct) =>
        SavePersonAsync(null, request, db, ct);

    private static Task<IResult> UpdatePerson(int id, PersonRequest? request, CrmDbContext db, CancellationToken ct) =>
        SavePersonAsync(id, request, db, ct);

    private static async Task<IResult> SavePersonAsync(int? id, PersonRequest? request, CrmDbContext db, CancellationToken ct)
    {
        if (request is null)
        {
            return ApiResults.BadRequest("Send the person as a JSON object.");
        }

        if (request.Emails?.Contains(null!) == true || request.Phones?.Contains(null!) == true)
        {
            return ApiResults.BadRequest("emails and phones must be lists of {\"value\": …} objects, without null.");
        }

        Person? person;
        if (id is null)
        {
            if (string.IsNullOrWhiteSpace(request.Name))
            {
                return ApiResults.BadRequest("name is required.");
            }

            person = new Person { Name = request.Name.Trim() };
            db.Persons.Add(person);
        }
        else if ((person = await db.Persons.FirstOrDefaultAsync(p => p.Id == id, ct)) is null)
        {
            return ApiResults.NotFound("Person");
        }

        if (request.Name is not null)
        {
            if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 255)
            {
                return ApiResults.BadRequest("name must be 1 to 255 characters.");
            }

            person.Name = request.Name.Trim();
        }

        if (request.Emails is not null)
        {
            person.Emails = request.Emails.Select(e => e.Value?.Trim() ?? string.Empty).Where(e => e.Length > 0).ToList();
        }

        if (request.Phones is not null)
        {
            person.Phones = request.Phones.Select(e => e.Value?.Trim() ?? string.Empty).Where(e => e.Length > 0).ToList();
        }

        if (request.OrgId is { } orgId)
        {
            if (!await db.Organizations.AnyAsync(o => o.Id == orgId, ct))
            {
                return ApiResults.BadRequest("org_id does not exist.");
            }

            person.OrganizationId = orgId;
        }

        if (request.OwnerId is { } ownerId)
        {
            if (!await db.Users.AnyAsync(u => u.Id == ownerId, ct))
            {
                return ApiResults.BadRequest("owner_id does not exist.");
            }

            person.OwnerId = ownerId;
        }

        var fields = await FieldsAsync(db, CustomFieldEntity.Person, ct);
        if (!CrmApiSupport.TryReadCustomFields(request.CustomFields, out var custom, out var error))
        {
            return ApiResults.BadRequest(error!);
        }

        var values = new Dictionary<string, string>(person.CustomFields);
        if (await CustomFieldValues.ApplyAsync(db, fields, values, custom, ct) is { } invalid)
        {
            return ApiResults.BadRequest(invalid);
        }

        person.CustomFields = values;
        await db.SaveChangesAsync(ct);
        var dto = PersonDto.From(person, fields);
        return id is null ? ApiResults.Created(dto) : ApiResults.Ok(dto);
    }

    private static async Task<IResult> DeletePerson(int id, CrmDbContext db, CancellationToken ct)
    {
        if (!await db.Persons.AnyAsync(p => p.Id == id, ct))
        {
            return ApiResults.NotFound("Person");
        }

        if (await db.Deals.IgnoreQueryFilters().AnyAsync(d => d.PersonId == id && d.OrganizationId == null, ct))
        {
            return ApiResults.BadRequest("The person is the only contact of a deal; link the deal to someone else first.");
        }

        await db.Persons.Where(p => p.Id == id).ExecuteDeleteAsync(ct);
        return ApiResults.Ok(new { Id = id });
    }

    private static async Task<IResult> ListOrganizations(CrmDbContext db, int? start, int? limit, CancellationToken ct)
    {
        if (!Paging.TryCreate(start, limit, out var paging, out var error))
        {
            return error!;
        }

        var orgs = await db.Organizations.AsNoTracking().OrderBy(o => o.Id).Skip(paging.Start).Take(paging.Limit + 1).ToListAsync(ct);
        var fields = await FieldsAsync(db, CustomFieldEntity.Organization, ct);
        return paging.Page(orgs.Select(o => OrganizationDto.From(o, fields)).ToList());
    }

    private static async Task<IResult> GetOrganization(int id, CrmDbContext db, CancellationToken ct) =>
        await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct) is { } org
            ? ApiResults.Ok(OrganizationDto.From(org, await FieldsAsync(db, CustomFieldEntity.Organization, ct)))
            : ApiResults.NotFound("Organization");

    private static Task<IResult> CreateOrganization(OrganizationRequest? request, CrmDbContext db, CancellationToken ct) =>
        SaveOrganizationAsync(null, request, db, ct);

    private static Task<IResult> UpdateOrganization(int id, OrganizationRequest? request, CrmDbContext db, CancellationToken ct) =>
        SaveOrganizationAsync(id, request, db, ct);

    private static async Task<IResult> SaveOrganizationAsync(int? id, OrganizationRequest? request, CrmDbContext db, CancellationToken ct)
    {
        if (request is null)
        {
            return ApiResults.BadRequest("Send the organization as a JSON object.");
        }

        Organization? org;
        if (id is null)
        {
            if (string.IsNullOrWhiteSpace(request.Name))
            {
                return ApiResults.BadRequest("name is required.");
            }

            org = new Organization { Name = request.Name.Trim() };
            db.Organizations.Add(org);
        }
        else if ((org = await db.Organizations.FirstOrDefaultAsync(o => o.Id == id, ct)) is null)
        {
            return ApiResults.NotFound("Organization");
        }

        if (request.Name is not null)
        {
            if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 255)
            {
                return ApiResults.BadRequest("name must be 1 to 255 characters.");
            }

            org.Name = request.Name.Trim();
        }

        if (request.Address is not null)
        {
            if (request.Address.Length > 500)
            {
                return ApiResults.BadRequest("address must be at most 500 characters.");
            }

            org.Address = request.Address.Trim();
        }

        if (request.OwnerId is { } ownerId)
        {
            if (!await db.Users.AnyAsync(u => u.Id == ownerId, ct))
            {
                return ApiResults.BadRequest("owner_id does not exist.");
            }

            org.OwnerId = ownerId;
        }

        var fields = await FieldsAsync(db, CustomFieldEntity.Organization, ct);
        if (!CrmApiSupport.TryReadCustomFields(request.CustomFields, out var custom, out var error))
        {
            return ApiResults.BadRequest(error!);
        }

        var values = new Dictionary<string, string>(org.CustomFields);
        if (await CustomFieldValues.ApplyAsync(db, fields, values, custom, ct) is { } invalid)
        {
            return ApiResults.BadRequest(invalid);
        }

        org.CustomFields = values;
        await db.SaveChangesAsync(ct);
        var dto = OrganizationDto.From(org, fields);
        return id is null ? ApiResults.Created(dto) : ApiResults.Ok(dto);
    }

    private static async Task<IResult> DeleteOrganization(int id, CrmDbContext db, CancellationToken ct)
    {
        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct))
        {
            return ApiResults.NotFound("Organization");
        }

        if (await db.Deals.IgnoreQueryFilters().AnyAsync(d => d.OrganizationId == id && d.PersonId == null, ct))
        {
            return ApiResults.BadRequest("The organization is the only contact of a deal; link the deal to someone else first.");
        }

        await db.Organizations.Where(o => o.Id == id).ExecuteDeleteAsync(ct);
        return ApiResults.Ok(new { Id = id });
    }
}
