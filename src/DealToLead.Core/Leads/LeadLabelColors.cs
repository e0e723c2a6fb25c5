namespace DealToLead.Core.Leads;

public static class LeadLabelColors
{
    /// <summary>Pipedrive's colour names as the API and CSS use them, e.g. "dark-gray".</summary>
    public static string Name(this LeadLabelColor color) => color == LeadLabelColor.DarkGray ? "dark-gray" : color.ToString().ToLowerInvariant();

    public static LeadLabelColor? FromName(string? name) =>
        Enum.GetValues<LeadLabelColor>().Cast<LeadLabelColor?>().FirstOrDefault(c =>
            string.Equals(c!.Value.Name(), name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(c.Value.ToString(), name, StringComparison.OrdinalIgnoreCase));
}
