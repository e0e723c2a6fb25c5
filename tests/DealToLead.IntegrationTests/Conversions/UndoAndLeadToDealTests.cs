using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Conversions;

public class UndoAndLeadToDealTests(DealToLeadApp app) : ConversionTestBase(app)
{
    [Fact]
    public async Task Undo_restores_the_deal_moves_everything_back_and_deletes_the_lead()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 3, done: 5, notes: 4, emails: 6));
        var before = await OwnershipAsync(deal.Id, null);
        var converted = (await ConvertAsync(DemoUsers.Rep, deal.Id))!;

        var undone = await WithServiceAsync(async s => await s.UndoDealToLeadAsync(await AccessAsync(DemoUsers.Rep), converted!.LeadId!.Value));

        undone!.Succeeded.Should().BeTrue();
        (await OwnershipAsync(deal.Id, null)).Should().Be(before with { History = before.History + 2 });
        var onLead = await OwnershipAsync(deal.Id, converted.LeadId);
        (onLead.ActivitiesOnLead, onLead.NotesOnLead, onLead.EmailsOnLead).Should().Be((0, 0, 0));
        await App.WithDbAsync(async db =>
        {
            (await db.Deals.AnyAsync(d => d.Id == deal.Id)).Should().BeTrue();
            (await db.Leads.AnyAsync(l => l.Id == converted.LeadId)).Should().BeFalse();
            (await db.Conversions.SingleAsync(c => c.Id == converted.ConversionId)).UndoneAt.Should().NotBeNull();
        });
    }

    [Fact]
    public async Task Undo_leaves_items_added_to_the_lead_since_on_the_lead_which_is_archived_not_deleted()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 2, done: 0, notes: 1, emails: 0));
        var converted = await ConvertAsync(DemoUsers.Rep, deal.Id);
        var repId = await App.UserIdAsync(DemoUsers.Rep);
        await App.WithDbAsync(async db =>
        {
            db.Notes.Add(new Note { Content = "<p>Added on the lead</p>", AuthorId = repId, LeadId = converted!.LeadId });
            await db.SaveChangesAsync();
        });

        await WithServiceAsync(async s => await s.UndoDealToLeadAsync(await AccessAsync(DemoUsers.Rep), converted!.LeadId!.Value));

        await App.WithDbAsync(async db =>
        {
            (await db.Notes.CountAsync(n => n.DealId == deal.Id)).Should().Be(1);
            (await db.Activities.CountAsync(a => a.DealId == deal.Id)).Should().Be(2);
            (await db.Notes.SingleAsync(n => n.LeadId == converted!.LeadId)).Content.Should().Contain("Added on the lead");
            (await db.Leads.SingleAsync(l => l.Id == converted!.LeadId)).IsArchived.Should().BeTrue();
        });
    }

    [Fact]
    public async Task Only_the_leads_owner_or_an_admin_may_undo()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var converted = await ConvertAsync(DemoUsers.Rep, deal.Id);

        var byManager = await WithServiceAsync(async s => await s.UndoDealToLeadAsync(await AccessAsync(DemoUsers.Manager), converted!.LeadId!.Value));
        var byAdmin = await WithServiceAsync(async s => await s.UndoDealToLeadAsync(await AccessAsync(DemoUsers.Admin), converted!.LeadId!.Value));

        byManager!.Rejection.Should().Be(ConversionRejection.NotEditable);
        byAdmin!.Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task Undo_after_30_days_is_refused()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var converted = await ConvertAsync(DemoUsers.Rep, deal.Id);
        await App.WithDbAsync(db => db.Conversions.Where(c => c.Id == converted!.ConversionId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, DateTimeOffset.UtcNow.AddDays(-31))));

        var undone = await WithServiceAsync(async s => await s.UndoDealToLeadAsync(await AccessAsync(DemoUsers.Rep), converted!.LeadId!.Value));

        undone!.Rejection.Should().Be(ConversionRejection.UndoExpired);
        (await App.WithDbAsync(db => db.Deals.AnyAsync(d => d.Id == deal.Id))).Should().BeFalse();
    }

    [Fact]
    public async Task Converting_a_lead_to_a_deal_moves_its_items_to_a_new_deal_in_the_default_pipelines_first_stage()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 3, done: 1, notes: 2, emails: 4));
        var converted = await ConvertAsync(DemoUsers.Rep, deal.Id);

        var back = await WithServiceAsync(async s => await s.ConvertLeadToDealAsync(await AccessAsync(DemoUsers.Rep), converted!.LeadId!.Value));

        back!.Succeeded.Should().BeTrue();
        await App.WithDbAsync(async db =>
        {
            var newDeal = await db.Deals.Include(d => d.Stage).ThenInclude(s => s!.Pipeline).SingleAsync(d => d.Id == back.DealId);
            newDeal.Title.Should().Be(deal.Title);
            newDeal.Stage!.Pipeline!.IsDefault.Should().BeTrue();
            newDeal.Stage.OrderNr.Should().Be(0);
            (await db.Activities.CountAsync(a => a.DealId == newDeal.Id)).Should().Be(3);
            (await db.Notes.CountAsync(n => n.DealId == newDeal.Id)).Should().Be(2);
            (await db.Emails.CountAsync(e => e.DealId == newDeal.Id)).Should().Be(4);
            (await db.Leads.AnyAsync(l => l.Id == converted!.LeadId)).Should().BeFalse();
        });
    }

    [Fact]
    public async Task A_lead_converts_into_the_chosen_pipeline()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var converted = await ConvertAsync(DemoUsers.Rep, deal.Id);
        var partnerships = await App.WithDbAsync(db => db.Pipelines.SingleAsync(p => p.Name == "Partnerships"));

        var back = await WithServiceAsync(async s => await s.ConvertLeadToDealAsync(await AccessAsync(DemoUsers.Rep), converted!.LeadId!.Value, pipelineId: partnerships.Id));
        var invalid = await WithServiceAsync(async s => await s.ConvertLeadToDealAsync(await AccessAsync(DemoUsers.Rep), Guid.NewGuid()));

        (await App.WithDbAsync(db => db.Deals.SingleAsync(d => d.Id == back!.DealId))).PipelineId.Should().Be(partnerships.Id);
        invalid.Should().BeNull();
    }
}
