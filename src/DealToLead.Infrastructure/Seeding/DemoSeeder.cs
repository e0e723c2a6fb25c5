using Bogus;
using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Person = DealToLead.Core.Crm.Person;

namespace DealToLead.Infrastructure.Seeding;

/// <summary>
/// Realistic, deterministic demo data for development: a sales team's pipelines, contacts and ~300 deals
/// with their activities, notes, emails, invoices and history. Runs only when the database has no deals.
/// </summary>
public sealed class DemoSeeder(CrmDbContext db, IPasswordHasher<AppUser> hasher, TimeProvider clock, DealConversionService conversions, ILogger<DemoSeeder> logger)
{
    private const int Seed = 20261127;
    private static readonly string[] Currencies = ["EUR", "EUR", "EUR", "USD", "SEK"];
    private static readonly string[] DealLabels = ["Hot", "Warm", "Cold", "Partner", "Upsell"];
    private static readonly string[] LostReasons = ["Price too high", "Chose a competitor", "No budget this year", "No response"];

    public async Task SeedAsync(CancellationToken cancellationToken = default)
    {
        await DemoUsers.EnsureAsync(db, hasher, clock, cancellationToken);
        if (await db.Deals.IgnoreQueryFilters().AnyAsync(cancellationToken))
        {
            logger.LogInformation("Demo data already present; not seeding again");
            return;
        }

        Randomizer.Seed = new Random(Seed);
        var faker = new Faker("en") { Random = new Randomizer(Seed) };
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var users = await db.Users.Where(u => u.Role == UserRole.RegularUser || u.Role == UserRole.GlobalAdmin).OrderBy(u => u.Id).ToListAsync(cancellationToken);
        var sellers = users.Where(u => u.Email != DemoUsers.Restricted.Email).ToList();

        var pipelines = CreatePipelines();
        db.Pipelines.AddRange(pipelines);
        var fields = CreateCustomFields();
        db.CustomFields.AddRange(fields);
        await db.SaveChangesAsync(cancellationToken);

        var organizations = Enumerable.Range(0, 60).Select(_ => new Organization
        {
            Name = faker.Company.CompanyName(),
            Address = $"{faker.Address.StreetAddress()}, {faker.Address.City()}",
            OwnerId = faker.PickRandom(sellers).Id,
            CustomFields = new() { [OrgIndustryKey] = faker.PickRandom("Retail", "Manufacturing", "Software", "Logistics", "Healthcare") },
        }).ToList();
        db.Organizations.AddRange(organizations);
        await db.SaveChangesAsync(cancellationToken);

        var persons = Enumerable.Range(0, 150).Select(_ =>
        {
            var first = faker.Name.FirstName();
            var last = faker.Name.LastName();
            return new Person
            {
                Name = $"{first} {last}",
                Emails = [faker.Internet.Email(first, last)],
                Phones = [faker.Phone.PhoneNumber("+46 70 ### ## ##")],
                OrganizationId = faker.PickRandom(organizations).Id,
                OwnerId = faker.PickRandom(sellers).Id,
                CustomFields = new() { [PersonLinkedInKey] = $"https://www.linkedin.com/in/{first.ToLowerInvariant()}-{last.ToLowerInvariant()}" },
            };
        }).ToList();
        db.Persons.AddRange(persons);
        await db.SaveChangesAsync(cancellationToken);

        var stages = pipelines.SelectMany(p => p.Stages).ToList();
        var deals = new List<Deal>();
        for (var i = 0; i < 300; i++)
        {
            var stage = faker.PickRandom(stages);
            var person = faker.PickRandom(persons);
            var status = faker.Random.WeightedRandom([DealStatus.Open, DealStatus.Won, DealStatus.Lost], [0.75f, 0.13f, 0.12f]);
            var created = now.AddDays(-faker.Random.Int(1, 240));
            deals.Add(new Deal
            {
                Title = $"{faker.Commerce.ProductName()} for {organizations.First(o => o.Id == person.OrganizationId).Name}",
                ValueAmount = Math.Round(faker.Random.Decimal(500, 90_000), 0),
                ValueCurrency = faker.PickRandom(Currencies),
                ExpectedCloseDate = today.AddDays(faker.Random.Int(-20, 120)),
                Probability = stage.DealProbability,
                Status = status,
                LostReason = status == DealStatus.Lost ? faker.PickRandom(LostReasons) : null,
                WonAt = status == DealStatus.Won ? now.AddDays(-faker.Random.Int(1, 30)) : null,
                LostAt = status == DealStatus.Lost ? now.AddDays(-faker.Random.Int(1, 30)) : null,
                OwnerId = faker.PickRandom(sellers).Id,
                PersonId = person.Id,
                OrganizationId = person.OrganizationId,
                PipelineId = stage.PipelineId,
                StageId = stage.Id,
                Visibility = faker.Random.Bool(0.8f) ? Visibility.EntireCompany : Visibility.OwnerOnly,
                Labels = faker.Random.Bool(0.5f) ? [faker.PickRandom(DealLabels)] : [],
                CustomFields = DealFieldValues(faker, fields, persons, organizations, today),
                CreatedAt = created,
                CreatedById = sellers[0].Id,
            });
        }

        db.Deals.AddRange(deals);
        await db.SaveChangesAsync(cancellationToken);
        await DealLabel.EnsureAsync(db, DealLabels, cancellationToken);

        foreach (var deal in deals)
        {
            AddDealWorld(faker, deal, today, now);
        }

        await db.SaveChangesAsync(cancellationToken);
        var converted = await ParkDealsAsLeadsAsync(deals, users, cancellationToken);
        logger.LogInformation("Seeded demo data: {Pipelines} pipelines, {Organizations} organizations, {Persons} persons, {Deals} deals, {Converted} of them converted to leads",
            pipelines.Count, organizations.Count, persons.Count, deals.Count, converted);
        await DemoLeadSeeder.SeedAsync(db, clock, cancellationToken);
    }

    /// <summary>
    /// The rep and the manager park 20 open deals each in the Leads Inbox through the real conversion service,
    /// so the seeded leads have real activity-log entries, moved items and restorable deleted deals.
    /// </summary>
    private async Task<int> ParkDealsAsLeadsAsync(List<Deal> deals, List<AppUser> users, CancellationToken cancellationToken)
    {
        var converted = 0;
        foreach (var email in new[] { DemoUsers.Rep.Email, DemoUsers.Manager.Email })
        {
            var user = users.Single(u => u.Email == email);
            var access = await UserAccess.LoadAsync(db, user.Id, cancellationToken);
            foreach (var deal in deals.Where(d => d.OwnerId == user.Id && d.Status == DealStatus.Open).Take(20))
            {
                var outcome = await conversions.ConvertDealToLeadAsync(access!, deal.Id, cancellationToken: cancellationToken);
                converted += outcome?.Succeeded == true ? 1 : 0;
            }
        }

        return converted;
    }

    public const string DealSourceKey = "deal_source_channel";
    public const string DealNextStepKey = "deal_next_step";
    public const string DealSeatsKey = "deal_seats";
    public const string DealSetupFeeKey = "deal_setup_fee";
    public const string DealKickoffKey = "deal_kickoff_date";
    public const string DealTierKey = "deal_tier";
    public const string DealModulesKey = "deal_modules";
    public const string DealChampionKey = "deal_champion";
    public const string DealPartnerKey = "deal_partner_org";
    public const string DealWeightedValueKey = "deal_weighted_value";
    public const string PersonLinkedInKey = "person_linkedin";
    public const string OrgIndustryKey = "org_industry";

    private static List<Pipeline> CreatePipelines() =>
    [
        new Pipeline
        {
            Name = "Sales", OrderNr = 0, IsDefault = true,
            Stages = Stages(("Qualified", 10), ("Contact made", 20), ("Demo scheduled", 40), ("Proposal made", 60), ("Negotiations started", 80), ("Contract sent", 90)),
        },
        new Pipeline
        {
            Name = "Partnerships", OrderNr = 1,
            Stages = Stages(("Identified", 10), ("Intro call", 25), ("Pilot", 50), ("Business case", 65), ("Legal review", 85), ("Signature", 95)),
        },
    ];

    private static List<Stage> Stages(params (string Name, int Probability)[] stages) =>
        stages.Select((s, i) => new Stage { Name = s.Name, OrderNr = i, DealProbability = s.Probability }).ToList();

    private static List<CustomFieldDefinition> CreateCustomFields() =>
    [
        new() { Entity = CustomFieldEntity.Deal, Key = DealSourceKey, Name = "Source channel", Type = CustomFieldType.Text, OrderNr = 0 },
        new() { Entity = CustomFieldEntity.Deal, Key = DealNextStepKey, Name = "Next step", Type = CustomFieldType.LargeText, OrderNr = 1 },
        new() { Entity = CustomFieldEntity.Deal, Key = DealSeatsKey, Name = "Seats", Type = CustomFieldType.Number, OrderNr = 2 },
        new() { Entity = CustomFieldEntity.Deal, Key = DealSetupFeeKey, Name = "Setup fee", Type = CustomFieldType.Monetary, OrderNr = 3 },
        new() { Entity = CustomFieldEntity.Deal, Key = DealKickoffKey, Name = "Kick-off date", Type = CustomFieldType.Date, OrderNr = 4 },
        new() { Entity = CustomFieldEntity.Deal, Key = DealTierKey, Name = "Tier", Type = CustomFieldType.SingleOption, Options = ["Starter", "Growth", "Enterprise"], OrderNr = 5 },
        new() { Entity = CustomFieldEntity.Deal, Key = DealModulesKey, Name = "Modules", Type = CustomFieldType.MultipleOptions, Options = ["CRM", "Invoicing", "Reporting", "API"], OrderNr = 6 },
        new() { Entity = CustomFieldEntity.Deal, Key = DealChampionKey, Name = "Champion", Type = CustomFieldType.PersonReference, OrderNr = 7 },
        new() { Entity = CustomFieldEntity.Deal, Key = DealPartnerKey, Name = "Partner", Type = CustomFieldType.OrganizationReference, OrderNr = 8 },
        new() { Entity = CustomFieldEntity.Deal, Key = DealWeightedValueKey, Name = "Weighted value", Type = CustomFieldType.Formula, FormulaExpression = "value * probability / 100", OrderNr = 9 },
        new() { Entity = CustomFieldEntity.Person, Key = PersonLinkedInKey, Name = "LinkedIn", Type = CustomFieldType.Text, OrderNr = 0 },
        new() { Entity = CustomFieldEntity.Organization, Key = OrgIndustryKey, Name = "Industry", Type = CustomFieldType.SingleOption, Options = ["Retail", "Manufacturing", "Software", "Logistics", "Healthcare"], OrderNr = 0 },
    ];

    private static Dictionary<string, string> DealFieldValues(Faker faker, List<CustomFieldDefinition> fields, List<Person> persons, List<Organization> organizations, DateOnly today)
    {
        var values = new Dictionary<string, string>
        {
            [DealSourceKey] = faker.PickRandom("Referral", "Website", "Event", "Cold outreach", "Partner"),
            [DealSeatsKey] = faker.Random.Int(5, 500).ToString(System.Globalization.CultureInfo.InvariantCulture),
            [DealTierKey] = faker.PickRandom(fields.First(f => f.Key == DealTierKey).Options),
        };
        if (faker.Random.Bool(0.6f))
        {
            values[DealNextStepKey] = faker.Lorem.Sentence();
            values[DealSetupFeeKey] = faker.Random.Int(0, 50).ToString(System.Globalization.CultureInfo.InvariantCulture) + "00";
            values[DealKickoffKey] = today.AddDays(faker.Random.Int(10, 90)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            values[DealModulesKey] = string.Join(',', faker.PickRandom(fields.First(f => f.Key == DealModulesKey).Options, 2));
            values[DealChampionKey] = faker.PickRandom(persons).Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            values[DealPartnerKey] = faker.PickRandom(organizations).Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return values;
    }

    private void AddDealWorld(Faker faker, Deal deal, DateOnly today, DateTimeOffset now)
    {
        for (var a = 0; a < faker.Random.Int(1, 4); a++)
        {
            db.Activities.Add(new Activity
            {
                Type = faker.PickRandom<ActivityType>(),
                Subject = faker.PickRandom("Follow-up call", "Send proposal", "Demo", "Check budget", "Intro meeting", "Contract review"),
                DueDate = today.AddDays(faker.Random.Int(1, 40)),
                DueTime = new TimeOnly(faker.Random.Int(8, 17), faker.PickRandom(0, 30)),
                Duration = TimeSpan.FromMinutes(faker.PickRandom(15, 30, 60)),
                OwnerId = deal.OwnerId,
                DealId = deal.Id,
                PersonId = deal.PersonId,
                OrganizationId = deal.OrganizationId,
                CreatedAt = deal.CreatedAt,
            });
        }

        for (var a = 0; a < faker.Random.Int(1, 5); a++)
        {
            var doneAt = now.AddDays(-faker.Random.Int(1, 60));
            db.Activities.Add(new Activity
            {
                Type = faker.PickRandom<ActivityType>(),
                Subject = faker.PickRandom("Discovery call", "Sent brochure", "Lunch", "Qualification call"),
                DueDate = DateOnly.FromDateTime(doneAt.UtcDateTime),
                OwnerId = deal.OwnerId,
                Done = true,
                DoneAt = doneAt,
                DealId = deal.Id,
                PersonId = deal.PersonId,
                OrganizationId = deal.OrganizationId,
                CreatedAt = deal.CreatedAt,
            });
        }

        for (var n = 0; n < faker.Random.Int(0, 3); n++)
        {
            db.Notes.Add(new Note
            {
                Content = $"<p>{faker.Lorem.Sentence(12)}</p><ul><li>{faker.Lorem.Sentence(5)}</li></ul>",
                AuthorId = deal.OwnerId,
                DealId = deal.Id,
                CreatedAt = now.AddDays(-faker.Random.Int(1, 60)),
            });
        }

        for (var e = 0; e < faker.Random.Int(0, 3); e++)
        {
            var subject = faker.PickRandom("Re: Proposal", "Pricing question", "Meeting notes", "Next steps");
            db.Emails.Add(new EmailMessage
            {
                From = faker.Internet.Email(),
                To = [faker.Internet.Email()],
                Subject = subject,
                SentAt = now.AddDays(-faker.Random.Int(1, 60)),
                TextBody = faker.Lorem.Paragraph(),
                HtmlBody = $"<p>{faker.Lorem.Paragraph()}</p>",
                MessageId = $"<{Guid.NewGuid():N}@demo.dealtolead.local>",
                LinkedVia = faker.Random.Bool() ? EmailLinkKind.Sync : EmailLinkKind.Bcc,
                DealId = deal.Id,
                CreatedAt = now,
            });
        }

        if (deal.Status != DealStatus.Open || faker.Random.Bool(0.3f))
        {
            db.Invoices.Add(new Invoice
            {
                DealId = deal.Id,
                Number = $"INV-{deal.Id:00000}",
                Amount = Math.Round(deal.ValueAmount / 2, 2),
                Currency = deal.ValueCurrency,
                Status = faker.PickRandom<InvoiceStatus>(),
                IssuedOn = today.AddDays(-faker.Random.Int(1, 90)),
            });
        }

        db.DealHistory.Add(new DealHistoryEntry { DealId = deal.Id, At = deal.CreatedAt, UserId = deal.OwnerId, Field = DealHistoryFields.Created, NewValue = deal.Title });
        db.DealHistory.Add(new DealHistoryEntry { DealId = deal.Id, At = deal.CreatedAt.AddDays(2), UserId = deal.OwnerId, Field = DealHistoryFields.Value, OldValue = "0", NewValue = deal.ValueAmount.ToString("0", System.Globalization.CultureInfo.InvariantCulture) });
    }
}
