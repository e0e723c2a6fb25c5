using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.DomainLayer;

public class DefaultVisibilityFormTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task The_new_deal_and_new_lead_forms_preselect_the_company_default_visibility()
    {
        await App.WithDbAsync(db => db.CompanySettings.ExecuteUpdateAsync(s => s.SetProperty(c => c.DefaultVisibility, Visibility.OwnerOnly)));
        var rep = await App.SignInAsync(DemoUsers.Rep);

        (await rep.GetStringAsync("/deals/new")).Should().Contain("<option value=\"OwnerOnly\" selected=\"selected\">");
        (await rep.GetStringAsync("/leads/new")).Should().Contain("<option value=\"OwnerOnly\" selected=\"selected\">");
    }
}
