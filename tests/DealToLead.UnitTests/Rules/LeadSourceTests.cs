using DealToLead.Core.Leads;

namespace DealToLead.UnitTests.Rules;

public class LeadSourceTests
{
    [Theory]
    [InlineData("Deal", LeadSource.Deal)]
    [InlineData("deal", LeadSource.Deal)]
    [InlineData("Manually created", LeadSource.ManuallyCreated)]
    [InlineData("ManuallyCreated", LeadSource.ManuallyCreated)]
    [InlineData("Web forms", LeadSource.WebForms)]
    public void Sources_are_found_by_their_pipedrive_name(string name, LeadSource expected) =>
        LeadSources.FromName(name).Should().Be(expected);

    [Fact]
    public void An_unknown_source_name_is_not_a_source() => LeadSources.FromName("Carrier pigeon").Should().BeNull();
}
