using DealToLead.Core.Common;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Crm;

/// <summary>A person to add or a change to one: a null property means "leave as is".</summary>
public sealed record PersonChanges
{
    public string? Name { get; init; }
    public IReadOnlyList<string?>? Emails { get; init; }
    public IReadOnlyList<string?>? Phones { get; init; }
    public int? OrganizationId { get; init; }
    public bool ClearOrganization { get; init; }
    public int? OwnerId { get; init; }
    public IReadOnlyDictionary<string, string>? CustomFields { get; init; }
}

/// <summary>An organization to add or a change to one: a null property means "leave as is".</summary>
public sealed record OrganizationChanges
{
    public string? Name { get; init; }
    public string? Address { get; init; }
    /// <summary>The address's components (<see cref="OrganizationAddress.Parts"/>); given with or without <see cref="Address"/>, they replace the old ones.</summary>
    public IReadOnlyDictionary<string, string>? AddressParts { get; init; }
    public int? OwnerId { get; init; }
    public IReadOnlyDictionary<string, string>? CustomFields { get; init; }
}

/// <summary>
/// Persons and organizations, from the pages and the API. Contacts are shared by the whole company (the deals and
/// leads linked to them carry the visibility rules), so any signed-in user may change them; a contact that is the
/// only contact of a deal or a lead cannot be deleted, since a deal or lead needs one.
/// </summary>
public sealed class ContactCommands(CrmDbContext db, WebhookEvents webhooks)
{
    public const int MaxNameLength = 255;
    public const int MaxAddressLength = 500;

    public Task<CommandResult<Person>> CreatePersonAsync(UserAccess actor, PersonChanges input, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Person, ct => CreatePersonInUnitAsync(actor, input, ct), cancellationToken);

    private async Task<CommandResult<Person>> CreatePersonInUnitAsync(UserAccess actor, PersonChanges input, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input.Name))
        {
            return CommandError.Invalid(NameRule);
        }

        var person = new Person { Name = string.Empty, OwnerId = actor.UserId };
        if (await ApplyAsync(person, input, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        db.Persons.Add(person);
        await db.SaveChangesAsync(cancellationToken);
        await webhooks.RecordCreateAsync(actor.UserId, person, cancellationToken);
        return person;
    }

    public Task<CommandResult<Person>> UpdatePersonAsync(int personId, PersonChanges changes, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Person, ct => UpdatePersonInUnitAsync(personId, changes, ct), cancellationToken);

    private async Task<CommandResult<Person>> UpdatePersonInUnitAsync(int personId, PersonChanges changes, CancellationToken cancellationToken)
    {
        var person = await db.Persons.FirstOrDefaultAsync(p => p.Id == personId, cancellationToken);
        if (person is null)
        {
            return CommandError.NotFound("Person");
        }

        var before = await webhooks.BeforeChangeAsync(person, cancellationToken);
        if (await ApplyAsync(person, changes, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        await db.SaveChangesAsync(cancellationToken);
        await webhooks.RecordChangeAsync(null, person, before, cancellationToken);
        return person;
    }

    public Task<CommandResult<int>> DeletePersonAsync(int personId, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Person, ct => DeletePersonInUnitAsync(personId, ct), cancellationToken);

    private async Task<CommandResult<int>> DeletePersonInUnitAsync(int personId, CancellationToken cancellationToken)
    {
        if (!await db.Persons.AnyAsync(p => p.Id == personId, cancellationToken))
        {
            return CommandError.NotFound("Person");
        }

        if (await db.Deals.IgnoreQueryFilters().AnyAsync(d => d.PersonId == personId && d.OrganizationId == null, cancellationToken)
            || await db.Leads.AnyAsync(l => l.PersonId == personId && l.OrganizationId == null, cancellationToken))
        {
            return CommandError.Invalid("The person is the only contact of a deal or a lead; link it to someone else first.");
        }

        if (await db.Persons.AsNoTracking().FirstOrDefaultAsync(p => p.Id == personId, cancellationToken) is { } deleted)
        {
            await webhooks.RecordDeleteAsync(null, deleted, cancellationToken);
        }

        await db.Persons.Where(p => p.Id == personId).ExecuteDeleteAsync(cancellationToken);
        return personId;
    }

    public Task<CommandResult<Organization>> CreateOrganizationAsync(UserAccess actor, OrganizationChanges input, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Organization, ct => CreateOrganizationInUnitAsync(actor, input, ct), cancellationToken);

    private async Task<CommandResult<Organization>> CreateOrganizationInUnitAsync(UserAccess actor, OrganizationChanges input, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input.Name))
        {
            return CommandError.Invalid(NameRule);
        }

        var organization = new Organization { Name = string.Empty, OwnerId = actor.UserId };
        if (await ApplyAsync(organization, input, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        db.Organizations.Add(organization);
        await db.SaveChangesAsync(cancellationToken);
        await webhooks.RecordCreateAsync(actor.UserId, organization, cancellationToken);
        return organization;
    }

    public Task<CommandResult<Organization>> UpdateOrganizationAsync(int organizationId, OrganizationChanges changes, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Organization, ct => UpdateOrganizationInUnitAsync(organizationId, changes, ct), cancellationToken);

    private async Task<CommandResult<Organization>> UpdateOrganizationInUnitAsync(int organizationId, OrganizationChanges changes, CancellationToken cancellationToken)
    {
        var organization = await db.Organizations.FirstOrDefaultAsync(o => o.Id == organizationId, cancellationToken);
        if (organization is null)
        {
            return CommandError.NotFound("Organization");
        }

        var before = await webhooks.BeforeChangeAsync(organization, cancellationToken);
        if (await ApplyAsync(organization, changes, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        await db.SaveChangesAsync(cancellationToken);
        await webhooks.RecordChangeAsync(null, organization, before, cancellationToken);
        return organization;
    }

    public Task<CommandResult<int>> DeleteOrganizationAsync(int organizationId, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Organization, ct => DeleteOrganizationInUnitAsync(organizationId, ct), cancellationToken);

    private async Task<CommandResult<int>> DeleteOrganizationInUnitAsync(int organizationId, CancellationToken cancellationToken)
    {
        if (!await db.Organizations.AnyAsync(o => o.Id == organizationId, cancellationToken))
        {
            return CommandError.NotFound("Organization");
        }

        if (await db.Deals.IgnoreQueryFilters().AnyAsync(d => d.OrganizationId == organizationId && d.PersonId == null, cancellationToken)
            || await db.Leads.AnyAsync(l => l.OrganizationId == organizationId && l.PersonId == null, cancellationToken))
        {
            return CommandError.Invalid("The organization is the only contact of a deal or a lead; link it to someone else first.");
        }

        if (await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, cancellationToken) is { } deleted)
        {
            await webhooks.RecordDeleteAsync(null, deleted, cancellationToken);
        }

        await db.Organizations.Where(o => o.Id == organizationId).ExecuteDeleteAsync(cancellationToken);
        return organizationId;
    }

    /// <summary>Splits a typed list ("a@x.se, b@y.se" or one per line) into its distinct entries.</summary>
    public static List<string> SplitList(string? text) =>
        (text ?? string.Empty).Split([',', '\n', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();

    private async Task<CommandError?> ApplyAsync(Person person, PersonChanges c, CancellationToken cancellationToken)
    {
        if (NameError(c.Name) is { } nameError)
        {
            return nameError;
        }

        person.Name = c.Name?.Trim() ?? person.Name;
        if (c.Emails is not null)
        {
            person.Emails = Entries(c.Emails);
        }

        if (c.Phones is not null)
        {
            person.Phones = Entries(c.Phones);
        }

        if (c.ClearOrganization || c.OrganizationId is not null)
        {
            if (await ItemRules.CheckAsync(db, null, c.ClearOrganization ? null : c.OrganizationId, cancellationToken) is { } invalid)
            {
                return invalid;
            }

            person.OrganizationId = c.ClearOrganization ? null : c.OrganizationId;
        }

        if (await OwnerErrorAsync(c.OwnerId, cancellationToken) is { } ownerError)
        {
            return ownerError;
        }

        person.OwnerId = c.OwnerId ?? person.OwnerId;
        return await ApplyCustomFieldsAsync(person.CustomFields, CustomFieldEntity.Person, c.CustomFields, values => person.CustomFields = values, cancellationToken);
    }

    private async Task<CommandError?> ApplyAsync(Organization organization, OrganizationChanges c, CancellationToken cancellationToken)
    {
        if (NameError(c.Name) is { } nameError)
        {
            return nameError;
        }

        if (c.Address?.Trim().Length > MaxAddressLength)
        {
            return CommandError.Invalid($"The address may have at most {MaxAddressLength} characters.");
        }

        if (c.AddressParts?.FirstOrDefault(p => !OrganizationAddress.Parts.Contains(p.Key) || p.Value.Length > OrganizationAddress.MaxPartLength) is { Key: not null } badPart)
        {
            return CommandError.Invalid(OrganizationAddress.Parts.Contains(badPart.Key)
                ? $"The address's {badPart.Key} may have at most {OrganizationAddress.MaxPartLength} characters."
                : $"The address has no part named '{badPart.Key}'. Use value, {string.Join(", ", OrganizationAddress.Parts)}.");
        }

        organization.Name = c.Name?.Trim() ?? organization.Name;
        if (c.Address is not null)
        {
            organization.Address = string.IsNullOrWhiteSpace(c.Address) ? null : c.Address.Trim();
        }

        if (c.AddressParts is not null || c.Address is not null)
        {
            // A new line without parts makes the old parts wrong, so they go with it.
            organization.AddressParts = (c.AddressParts ?? new Dictionary<string, string>())
                .Where(p => !string.IsNullOrWhiteSpace(p.Value)).ToDictionary(p => p.Key, p => p.Value.Trim());
        }

        if (await OwnerErrorAsync(c.OwnerId, cancellationToken) is { } ownerError)
        {
            return ownerError;
        }

        organization.OwnerId = c.OwnerId ?? organization.OwnerId;
        return await ApplyCustomFieldsAsync(organization.CustomFields, CustomFieldEntity.Organization, c.CustomFields, values => organization.CustomFields = values, cancellationToken);
    }

    private static readonly string NameRule = $"Name is required (at most {MaxNameLength} characters).";

    private static CommandError? NameError(string? name) =>
        name is not null && (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength) ? CommandError.Invalid(NameRule) : null;

    private async Task<CommandError?> OwnerErrorAsync(int? ownerId, CancellationToken cancellationToken) =>
        ownerId is { } id && !await db.Users.AnyAsync(u => u.Id == id, cancellationToken) ? CommandError.Invalid("The owner does not exist.") : null;

    private async Task<CommandError?> ApplyCustomFieldsAsync(
        Dictionary<string, string> current, CustomFieldEntity entity, IReadOnlyDictionary<string, string>? changes, Action<Dictionary<string, string>> assign, CancellationToken cancellationToken)
    {
        if (changes is not { Count: > 0 })
        {
            return null;
        }

        var definitions = await db.CustomFields.AsNoTracking().Where(f => f.Entity == entity).ToListAsync(cancellationToken);
        var values = new Dictionary<string, string>(current);
        if (await CustomFieldValues.ApplyAsync(db, definitions, values, changes, cancellationToken) is { } error)
        {
            return CommandError.Invalid(error);
        }

        assign(values);
        return null;
    }

    private static List<string> Entries(IEnumerable<string?> values) =>
        values.Select(v => v?.Trim() ?? string.Empty).Where(v => v.Length > 0).Distinct().ToList();
}
