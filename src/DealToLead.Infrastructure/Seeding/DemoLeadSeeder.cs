using Bogus;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Infrastructure.Seeding;

/// <summary>
/// Demo leads that did not come from deals (manual, web forms, import, API), with five labels in different
/// colours, some archived, owned by the rep and the manager. The converted-from-deal leads are seeded separately.
/// </summary>
public static class DemoLeadSeeder
{
    private const int Seed = 20261128;

    public static async Task SeedAsync(CrmDbContext db, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        if (await db.LeadLabels.AnyAsync(cancellationToken))
        {
            return;
        }

        var faker = new Faker("en") { Random = new Randomizer(Seed) };
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var labels = new List<LeadLabel>
        {
            new() { Name = "Hot", Color = LeadLabelColor.Red, CreatedAt = now },
            new() { Name = "Warm", Color = LeadLabelColor.Orange, CreatedAt = now },
            new() { Name = "Cold", Color = LeadLabelColor.Blue, CreatedAt = now },
            new() { Name = "Follow up", Color = LeadLabelColor.Purple, CreatedAt = now },
            new() { Name = "Partner", Color = LeadLabelColor.Green, CreatedAt = now },
        };
        db.LeadLabels.AddRange(labels);

        var ownerEmails = new[] { DemoUsers.Rep.Email, DemoUsers.Manager.Email };
        var owners = await db.Users.Where(u => ownerEmails.Contains(u.Email!)).Select(u => u.Id).ToListAsync(cancellationToken);
        var persons = await db.Persons.Select(p => new { p.Id, p.Name, p.OrganizationId }).ToListAsync(cancellationToken);
        if (owners.Count == 0 || persons.Count == 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        LeadSource[] sources = [LeadSource.ManuallyCreated, LeadSource.WebForms, LeadSource.Import, LeadSource.Api];
        for (var i = 0; i < 60; i++)
        {
            var person = faker.PickRandom(persons);
            var owner = faker.PickRandom(owners);
            var hasValue = faker.Random.Bool(0.7f);
            var lead = new Lead
            {
                Title = $"{faker.Commerce.ProductName()} enquiry from {person.Name}",
                Source = sources[i % sources.Length],
                OwnerId = owner,
                CreatorId = owner,
                CreatedById = owner,
                PersonId = person.Id,
                OrganizationId = person.OrganizationId,
                ValueAmount = hasValue ? Math.Round(faker.Random.Decimal(1_000, 40_000), 0) : null,
                ValueCurrency = hasValue ? faker.PickRandom("EUR", "USD", "SEK") : null,
                ExpectedCloseDate = faker.Random.Bool(0.5f) ? today.AddDays(faker.Random.Int(14, 150)) : null,
                Visibility = faker.Random.Bool(0.85f) ? Visibility.EntireCompany : Visibility.OwnerOnly,
                LabelIds = faker.Random.Bool(0.6f) ? faker.PickRandom(labels, faker.Random.Int(1, 2)).Select(l => l.Id).ToList() : [],
                IsArchived = i % 8 == 7,
                WasSeen = faker.Random.Bool(0.5f),
                CreatedAt = now.AddDays(-faker.Random.Int(0, 90)).AddMinutes(-faker.Random.Int(0, 1440)),
            };
            db.Leads.Add(lead);
            db.LeadLog.Add(new LeadLogEntry { LeadId = lead.Id, At = lead.CreatedAt, UserId = owner, Kind = LeadLogKind.Created });
            if (faker.Random.Bool(0.6f))
            {
                db.Activities.Add(new Activity
                {
                    Subject = faker.PickRandom("Qualify lead", "Intro call", "Send info pack"),
                    Type = faker.PickRandom(ActivityType.Call, ActivityType.Email, ActivityType.Task),
                    DueDate = today.AddDays(faker.Random.Int(1, 20)),
                    OwnerId = owner,
                    LeadId = lead.Id,
                    PersonId = person.Id,
                    OrganizationId = person.OrganizationId,
                    CreatedAt = lead.CreatedAt,
                });
            }

            if (faker.Random.Bool(0.4f))
            {
                db.Notes.Add(new Note { Content = $"<p>{faker.Lorem.Sentence(10)}</p>", AuthorId = owner, LeadId = lead.Id, CreatedAt = lead.CreatedAt });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
