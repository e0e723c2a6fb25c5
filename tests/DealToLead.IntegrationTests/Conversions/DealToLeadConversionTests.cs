using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Core.Leads;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Conversions;

public class DealToLeadConversionTests(DealToLeadApp app) : ConversionTestBase(app)
{
    [Fact]
    public async Task Converting_a_deal_moves_upcoming_activities_notes_and_emails_and_leaves_the_rest()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 3, done: 5, notes: 4, emails: 6, invoices: 2, history: 3));

        var outcome = await ConvertAsync(DemoUsers.Rep, deal.Id);

        outcome!.Status.Should().Be(ConversionStatus.Completed);
        var after = await OwnershipAsync(deal.Id, outcome.LeadId);
        after.Should().Be(new ItemOwnership(
            UpcomingOnDeal: 0, DoneOnDeal: 5, NotesOnDeal: 0, EmailsOnDeal: 0,
            ActivitiesOnLead: 3, NotesOnLead: 4, EmailsOnLead: 6,
            Invoices: 2, History: 4)); // 3 + the "converted to lead" entry
    }

    [Fact]
    public async Task The_lead_gets_the_deal_fields_the_converter_as_owner_and_source_Deal()
    {
        // The manager may edit, and so convert, the rep's deal: the converter, not the deal's owner, owns the lead.
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithCustomField("seats", "25"));

        var outcome = await ConvertAsync(DemoUsers.Manager, deal.Id);

        var lead = await App.WithDbAsync(db => db.Leads.SingleAsync(l => l.Id == outcome!.LeadId));
        var repId = await App.UserIdAsync(DemoUsers.Manager);
        lead.Should().BeEquivalentTo(new
        {
            deal.Title,
            ValueAmount = (decimal?)12_000m,
            ValueCurrency = "SEK",
            deal.ExpectedCloseDate,
            deal.PersonId,
            deal.OrganizationId,
            Visibility = Visibility.EntireCompany,
            OwnerId = repId,
            CreatorId = (int?)repId,
            Source = LeadSource.Deal,
            OriginDealId = (int?)deal.Id,
        });
        lead.CustomFields.Should().Equal(new Dictionary<string, string> { ["seats"] = "25" });
    }

    [Fact]
    public async Task The_deal_is_soft_deleted_and_the_lead_log_and_deal_history_record_the_conversion()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);

        var outcome = await ConvertAsync(DemoUsers.Rep, deal.Id);

        var repId = await App.UserIdAsync(DemoUsers.Rep);
        await App.WithDbAsync(async db =>
        {
            (await db.Deals.AnyAsync(d => d.Id == deal.Id)).Should().BeFalse("a converted deal is hidden from normal queries");
            var deleted = await db.Deals.IgnoreQueryFilters().SingleAsync(d => d.Id == deal.Id);
            deleted.DeletedAt.Should().NotBeNull();
            deleted.DeletedById.Should().Be(repId);
            deleted.Title.Should().Be(deal.Title, "a deleted deal keeps all its data");

            var log = await db.LeadLog.SingleAsync(e => e.LeadId == outcome!.LeadId);
            log.Should().BeEquivalentTo(new { Kind = LeadLogKind.ConvertedFromDeal, DealId = (int?)deal.Id, UserId = (int?)repId });
            (await db.DealHistory.AnyAsync(h => h.DealId == deal.Id && h.Field == "converted_to_lead" && h.NewValue == outcome!.LeadId.ToString())).Should().BeTrue();
        });
    }

    [Fact]
    public async Task Formula_fields_with_values_are_named_and_recorded_but_not_carried()
    {
        await App.WithDbAsync(DealBuilder.AddWeightedValueFormulaAsync);
        var deal = await CreateDealAsync(DemoUsers.Rep);

        var preview = await WithServiceAsync(async s => await s.PreviewAsync(await AccessAsync(DemoUsers.Rep), deal.Id));
        var outcome = await ConvertAsync(DemoUsers.Rep, deal.Id);

        preview!.FormulaFieldsNotCarried.Should().Equal("Weighted value");
        outcome!.FormulaFieldsNotCarried.Should().Equal("Weighted value");
        var recorded = await App.WithDbAsync(db => db.Conversions.SingleAsync(c => c.Id == outcome.ConversionId));
        recorded.FormulaFieldsNotCarried.Should().Equal("Weighted value");
        var lead = await App.WithDbAsync(db => db.Leads.SingleAsync(l => l.Id == outcome.LeadId));
        lead.CustomFields.Should().NotContainKey("weighted_value");
    }

    [Fact]
    public async Task The_preview_counts_what_moves_and_what_stays()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 3, done: 5, notes: 4, emails: 6, invoices: 2, history: 7));

        var preview = await WithServiceAsync(async s => await s.PreviewAsync(await AccessAsync(DemoUsers.Rep), deal.Id));

        preview.Should().BeEquivalentTo(new { UpcomingActivities = 3, DoneActivities = 5, Notes = 4, Emails = 6, Invoices = 2, HistoryEntries = 7, CanConvert = true });
    }

    [Fact]
    public async Task An_open_and_a_lost_deal_convert()
    {
        var open = await CreateDealAsync(DemoUsers.Rep);
        var lost = await CreateDealAsync(DemoUsers.Rep, b => b.WithStatus(DealStatus.Lost));

        (await ConvertAsync(DemoUsers.Rep, open.Id))!.Succeeded.Should().BeTrue();
        (await ConvertAsync(DemoUsers.Rep, lost.Id))!.Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task A_won_deal_is_rejected_with_a_reason_and_nothing_changes()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithStatus(DealStatus.Won));
        var before = await OwnershipAsync(deal.Id, null);

        var outcome = await ConvertAsync(DemoUsers.Rep, deal.Id);

        outcome!.Status.Should().Be(ConversionStatus.Rejected);
        outcome.Rejection.Should().Be(ConversionRejection.DealWon);
        outcome.Reason.Should().Contain("Won deals cannot be converted");
        (await OwnershipAsync(deal.Id, null)).Should().Be(before);
        (await App.WithDbAsync(db => db.Leads.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task An_already_converted_deal_is_rejected_as_such()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        await ConvertAsync(DemoUsers.Rep, deal.Id);

        var second = await ConvertAsync(DemoUsers.Rep, deal.Id);

        second!.Rejection.Should().Be(ConversionRejection.AlreadyConverted);
        second.Reason.Should().Be("This deal has already been converted to a lead.");
        (await App.WithDbAsync(db => db.Leads.CountAsync())).Should().Be(1);
    }

    [Fact]
    public async Task A_deleted_deal_is_rejected()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        await App.WithDbAsync(db => db.Deals.Where(d => d.Id == deal.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.DeletedAt, DateTimeOffset.UtcNow)));

        var outcome = await ConvertAsync(DemoUsers.Rep, deal.Id);

        outcome!.Rejection.Should().Be(ConversionRejection.DealDeleted);
    }

    [Fact]
    public async Task A_user_without_the_permission_is_rejected_and_nothing_changes()
    {
        var deal = await CreateDealAsync(DemoUsers.Restricted);
        var before = await OwnershipAsync(deal.Id, null);

        var outcome = await ConvertAsync(DemoUsers.Restricted, deal.Id);

        outcome!.Rejection.Should().Be(ConversionRejection.NoPermission);
        (await OwnershipAsync(deal.Id, null)).Should().Be(before);
        (await App.WithDbAsync(db => db.Deals.AnyAsync(d => d.Id == deal.Id))).Should().BeTrue();
    }

    [Fact]
    public async Task A_user_who_may_not_edit_another_users_deal_is_rejected()
    {
        await App.WithDbAsync(db => db.PermissionGrants
            .Where(g => g.PermissionSetId == Core.Users.PermissionSet.RegularUserDefaultId && g.Permission == Core.Users.Permission.EditDealsOwnedByOthers)
            .ExecuteDeleteAsync());
        var deal = await CreateDealAsync(DemoUsers.Manager);

        var outcome = await ConvertAsync(DemoUsers.Rep, deal.Id);

        outcome!.Rejection.Should().Be(ConversionRejection.NotEditable);
    }

    [Fact]
    public async Task Another_users_private_deal_is_not_found()
    {
        await App.WithDbAsync(db => db.PermissionGrants
            .Where(g => g.PermissionSetId == Core.Users.PermissionSet.RegularUserDefaultId && g.Permission == Core.Users.Permission.SeeDealsOfOthers)
            .ExecuteDeleteAsync());
        var deal = await CreateDealAsync(DemoUsers.Manager, b => b.Private());

        (await ConvertAsync(DemoUsers.Rep, deal.Id)).Should().BeNull();
        (await ConvertAsync(DemoUsers.Rep, 987_654)).Should().BeNull();
    }

    [Fact]
    public async Task Retrying_with_the_same_conversion_id_returns_the_first_outcome()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var id = Guid.NewGuid();

        var first = await ConvertAsync(DemoUsers.Rep, deal.Id, id);
        var retry = await ConvertAsync(DemoUsers.Rep, deal.Id, id);

        retry.Should().BeEquivalentTo(first);
        (await App.WithDbAsync(db => db.Leads.CountAsync())).Should().Be(1);
    }

    [Fact]
    public async Task Twenty_concurrent_conversions_of_the_same_deal_make_exactly_one_lead()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 10, done: 2, notes: 10, emails: 10));
        var access = await AccessAsync(DemoUsers.Rep);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            await using var db = NewContext();
            return await new DealConversionService(db, TimeProvider.System).ConvertDealToLeadAsync(access, deal.Id);
        })));

        outcomes.Count(o => o!.Succeeded).Should().Be(1);
        outcomes.Where(o => !o!.Succeeded).Should().OnlyContain(o => o!.Rejection == ConversionRejection.AlreadyConverted);
        var leadId = outcomes.Single(o => o!.Succeeded)!.LeadId;
        (await App.WithDbAsync(db => db.Leads.CountAsync())).Should().Be(1);
        var after = await OwnershipAsync(deal.Id, leadId);
        (after.ActivitiesOnLead, after.NotesOnLead, after.EmailsOnLead).Should().Be((10, 10, 10));
    }

    [Theory]
    [InlineData("emails")]
    [InlineData("notes")]
    [InlineData("activities")]
    public async Task A_failure_in_the_middle_of_a_conversion_leaves_the_deal_untouched(string failingTable)
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var before = await OwnershipAsync(deal.Id, null);
        var access = await AccessAsync(DemoUsers.Rep);

        // The database itself fails while moving one kind of item, after the deal, lead and other kinds were written.
        var createTrigger = $"""
            CREATE FUNCTION fail_move() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'Injected failure'; END $$;
            CREATE TRIGGER fail_move BEFORE UPDATE ON {failingTable} FOR EACH ROW EXECUTE FUNCTION fail_move();
            """;
        var dropTrigger = $"DROP TRIGGER fail_move ON {failingTable}; DROP FUNCTION fail_move();";
        await App.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(createTrigger));
        try
        {
            await using var db = NewContext();
            var convert = () => new DealConversionService(db, TimeProvider.System).ConvertDealToLeadAsync(access, deal.Id);
            await convert.Should().ThrowAsync<Npgsql.PostgresException>().WithMessage("*Injected failure*");
        }
        finally
        {
            await App.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(dropTrigger));
        }

        (await OwnershipAsync(deal.Id, null)).Should().Be(before);
        await App.WithDbAsync(async db =>
        {
            (await db.Deals.AnyAsync(d => d.Id == deal.Id)).Should().BeTrue("the deal must not be deleted by a failed conversion");
            (await db.Leads.CountAsync()).Should().Be(0);
            (await db.Activities.CountAsync(a => a.LeadId != null || a.MovedFromDealId != null)).Should().Be(0);
        });
    }

    [Fact]
    public async Task One_conversion_issues_the_same_bounded_number_of_sql_commands_however_many_items_the_deal_has()
    {
        var small = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 1, done: 1, notes: 1, emails: 1, invoices: 1, history: 1));
        var large = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 40, done: 30, notes: 50, emails: 60, invoices: 5, history: 20));
        var access = await AccessAsync(DemoUsers.Rep);

        async Task<int> CountCommandsAsync(int dealId)
        {
            var counter = new SqlCommandCounter();
            await using var db = NewContext(counter);
            (await new DealConversionService(db, TimeProvider.System).ConvertDealToLeadAsync(access, dealId))!.Succeeded.Should().BeTrue();
            return counter.Count;
        }

        var forSmall = await CountCommandsAsync(small.Id);
        var forLarge = await CountCommandsAsync(large.Id);

        forLarge.Should().Be(forSmall);
        forSmall.Should().BeLessThanOrEqualTo(3, "load the deal, load the custom fields, convert in one statement");
    }

    [Fact]
    public async Task Converting_many_deals_at_once_issues_as_many_sql_commands_as_converting_two_and_answers_each_in_order()
    {
        var access = await AccessAsync(DemoUsers.Rep);
        var two = new List<int>();
        var many = new List<int>();
        for (var i = 0; i < 2; i++)
        {
            two.Add((await CreateDealAsync(DemoUsers.Rep)).Id);
        }

        for (var i = 0; i < 20; i++)
        {
            many.Add((await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 3, done: 2, notes: 4, emails: 5))).Id);
        }

        var won = await CreateDealAsync(DemoUsers.Rep, b => b.WithStatus(DealStatus.Won));
        var alsoWon = await CreateDealAsync(DemoUsers.Rep, b => b.WithStatus(DealStatus.Won));

        async Task<(int Commands, IReadOnlyList<ConversionOutcome?> Outcomes)> ConvertAsync(IEnumerable<int> dealIds)
        {
            var counter = new SqlCommandCounter();
            await using var db = NewContext(counter);
            var outcomes = await new DealConversionService(db, TimeProvider.System)
                .ConvertDealsToLeadsAsync(access, dealIds.Select(id => new DealToConvert(id)).ToList());
            return (counter.Count, outcomes);
        }

        var forTwo = await ConvertAsync(two.Append(alsoWon.Id));
        var forMany = await ConvertAsync(many.Append(won.Id).Append(int.MaxValue).Append(many[0]));

        forMany.Commands.Should().Be(forTwo.Commands);
        forTwo.Outcomes.Take(2).Should().OnlyContain(o => o != null && o.Succeeded);
        forMany.Outcomes.Take(20).Select(o => o!.DealId!.Value).Should().Equal(many);
        forMany.Outcomes.Take(20).Should().OnlyContain(o => o!.Succeeded && o.LeadId != null);
        forMany.Outcomes[20]!.Rejection.Should().Be(ConversionRejection.DealWon);
        forMany.Outcomes[21].Should().BeNull("the deal does not exist");
        forMany.Outcomes[22]!.Rejection.Should().Be(ConversionRejection.AlreadyConverted, "a deal converts once however often it is asked for");
        foreach (var (dealId, outcome) in many.Zip(forMany.Outcomes))
        {
            var items = await OwnershipAsync(dealId, outcome!.LeadId);
            items.Should().Be(new ItemOwnership(0, 2, 0, 0, 3, 4, 5, items.Invoices, items.History), $"deal {dealId}'s own items move to its own lead");
        }
    }

    [Fact]
    public async Task Restoring_the_deal_from_the_deleted_deals_brings_it_back_and_the_lead_stays()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var outcome = await ConvertAsync(DemoUsers.Rep, deal.Id);

        await App.WithDbAsync(db => db.Deals.IgnoreQueryFilters().Where(d => d.Id == deal.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.DeletedAt, (DateTimeOffset?)null)));

        await App.WithDbAsync(async db =>
        {
            (await db.Deals.AnyAsync(d => d.Id == deal.Id)).Should().BeTrue();
            (await db.Leads.AnyAsync(l => l.Id == outcome!.LeadId)).Should().BeTrue();
        });
    }
}
