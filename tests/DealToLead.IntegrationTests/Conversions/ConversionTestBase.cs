using System.Data.Common;
using DealToLead.Core.Conversions;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace DealToLead.IntegrationTests.Conversions;

public abstract class ConversionTestBase(DealToLeadApp app) : AppTest(app)
{
    protected async Task<UserAccess> AccessAsync(DemoUser user) =>
        (await App.WithDbAsync(async db => await UserAccess.LoadAsync(db, await db.Users.Where(u => u.Email == user.Email).Select(u => u.Id).FirstAsync())))!;

    protected async Task<Core.Crm.Deal> CreateDealAsync(DemoUser owner, Func<DealBuilder, DealBuilder>? configure = null)
    {
        var ownerId = await App.UserIdAsync(owner);
        var builder = new DealBuilder(ownerId).WithWorld();
        builder = configure?.Invoke(builder) ?? builder;
        return await App.WithDbAsync(builder.BuildAsync);
    }

    protected async Task<ConversionOutcome?> ConvertAsync(DemoUser actor, int dealId, Guid? conversionId = null)
    {
        var access = await AccessAsync(actor);
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DealConversionService>().ConvertDealToLeadAsync(access, dealId, conversionId);
    }

    protected async Task<T> WithServiceAsync<T>(Func<DealConversionService, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<DealConversionService>());
    }

    /// <summary>
    /// A DbContext of its own, configured as the app's plus extra interceptors, for counting or breaking SQL commands.
    /// The same configuration means the same EF model, which the service's compiled queries require.
    /// </summary>
    protected CrmDbContext NewContext(params IInterceptor[] interceptors)
    {
        using var scope = App.Services.CreateScope();
        var appOptions = scope.ServiceProvider.GetRequiredService<DbContextOptions<CrmDbContext>>();
        return new(new DbContextOptionsBuilder<CrmDbContext>(appOptions).UseApplicationServiceProvider(App.Services).AddInterceptors(interceptors).Options);
    }

    protected async Task<ItemOwnership> OwnershipAsync(int dealId, Guid? leadId) => await App.WithDbAsync(async db => new ItemOwnership(
        UpcomingOnDeal: await db.Activities.CountAsync(a => a.DealId == dealId && !a.Done),
        DoneOnDeal: await db.Activities.CountAsync(a => a.DealId == dealId && a.Done),
        NotesOnDeal: await db.Notes.CountAsync(n => n.DealId == dealId),
        EmailsOnDeal: await db.Emails.CountAsync(e => e.DealId == dealId),
        ActivitiesOnLead: await db.Activities.CountAsync(a => a.LeadId == leadId),
        NotesOnLead: await db.Notes.CountAsync(n => n.LeadId == leadId),
        EmailsOnLead: await db.Emails.CountAsync(e => e.LeadId == leadId),
        Invoices: await db.Invoices.CountAsync(i => i.DealId == dealId),
        History: await db.DealHistory.CountAsync(h => h.DealId == dealId)));

    protected sealed record ItemOwnership(int UpcomingOnDeal, int DoneOnDeal, int NotesOnDeal, int EmailsOnDeal, int ActivitiesOnLead, int NotesOnLead, int EmailsOnLead, int Invoices, int History);
}
