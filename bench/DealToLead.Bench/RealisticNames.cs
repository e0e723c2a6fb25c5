namespace DealToLead.Bench;

/// <summary>
/// Deterministic, realistic-looking names, titles and emails for the searchable data, so that a search as you type
/// meets the spread of matches a real inbox has: common first names, rarer surnames, a few company words that many
/// organizations share, and free-text titles. Every value is a function of the row number.
/// </summary>
public static class RealisticNames
{
    private static readonly string[] FirstNames =
    [
        "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Emma", "Anders", "Sara", "Per", "Eva", "Mikael", "Lena", "Peter",
        "Sofia", "Olof", "Ingrid", "Magnus", "Helena", "Fredrik", "James", "Mary", "John", "Patricia", "Robert", "Jennifer",
        "Michael", "Linda", "William", "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
        "Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Margaret", "Paul",
        "Sandra", "Steven", "Ashley", "Andrew", "Kimberly", "Kenneth", "Emily", "Joshua", "Donna", "Kevin", "Michelle",
        "Noah", "Olivia", "Liam", "Astrid", "Hugo", "Elsa", "Oscar", "Maja", "Felix", "Wilma", "Nils", "Freja", "Axel", "Ebba",
    ];

    private static readonly string[] LastNames =
    [
        "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson",
        "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Lindberg", "Lindqvist", "Magnusson", "Lindgren", "Berg",
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez",
        "Lopez", "Gonzalez", "Wilson", "Anderson", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White",
        "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott",
        "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
        "Carter", "Roberts", "Holm", "Sandberg", "Forsberg", "Sjoberg", "Wallin", "Engstrom", "Lundin", "Bergstrom", "Falk",
        "Nyberg", "Hedlund", "Axelsson", "Blom", "Lund", "Strand", "Ek", "Dahl", "Sundberg", "Bjork", "Wikstrom", "Isaksson",
    ];

    private static readonly string[] OrganizationFirst =
    [
        "North", "Blue", "Silver", "Green", "Nordic", "Bright", "Iron", "Clear", "Swift", "Red", "Golden", "Polar", "Summit",
        "Harbor", "Pine", "Stone", "River", "Oak", "Cedar", "Falcon", "Eagle", "Atlas", "Apex", "Vista", "Prime", "Crystal",
        "Maple", "Coastal", "Urban", "Pacific", "Baltic", "Alpine", "Solar", "Lunar", "Delta", "Quantum", "Vertex", "Aurora",
    ];

    private static readonly string[] OrganizationSecond =
    [
        "wind", "field", "stream", "gate", "bridge", "peak", "point", "works", "line", "wave", "light", "path", "forge", "core",
        "ridge", "port", "view", "stack", "grid", "leaf", "rock", "shore", "bay", "lake", "hill", "land", "mark", "star",
    ];

    private static readonly string[] OrganizationKinds =
    [
        "Analytics", "Logistics", "Software", "Consulting", "Robotics", "Foods", "Energy", "Media", "Health", "Finance",
        "Retail", "Engineering", "Systems", "Labs", "Partners", "Industries", "Networks", "Design", "Security", "Marine",
    ];

    private static readonly string[] OrganizationSuffixes = ["AB", "Ltd", "Inc", "GmbH", "Group", "Oy", "AS", "LLC"];

    private static readonly string[] Products =
    [
        "CRM licences", "Support renewal", "Onboarding package", "Data migration", "Annual subscription", "Consulting hours",
        "Hardware refresh", "Security audit", "Cloud hosting", "Training workshop", "Integration project", "Pilot programme",
        "Fleet tracking", "Marketing automation", "Payroll module", "Warehouse scanners", "Website redesign", "Analytics dashboard",
        "Service contract", "Office fit-out", "Mobile app", "API access", "Premium tier upgrade", "Extended warranty",
    ];

    private static readonly string[] Qualifiers =
    [
        "Q1", "Q2", "Q3", "Q4", "phase 2", "for 50 seats", "for 200 seats", "EMEA", "Nordics", "US rollout", "renewal", "expansion",
        "proof of concept", "3 years", "urgent", "via partner",
    ];

    private static readonly string[] MailDomains = ["gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "proton.me"];

    public static string PersonName(int n) => $"{FirstNames[Mix(n, 1) % FirstNames.Length]} {LastNames[Mix(n, 2) % LastNames.Length]}";

    /// <summary>Work address at the person's organization when they have one, else a free mail provider's.</summary>
    public static string Email(int n, string? organizationName)
    {
        var first = FirstNames[Mix(n, 1) % FirstNames.Length].ToLowerInvariant();
        var last = LastNames[Mix(n, 2) % LastNames.Length].ToLowerInvariant();
        var domain = organizationName is null
            ? MailDomains[Mix(n, 3) % MailDomains.Length]
            : string.Concat(organizationName.Split(' ')[0].ToLowerInvariant(), ".", organizationName.EndsWith("AB", StringComparison.Ordinal) ? "se" : "com");
        return $"{first}.{last}{n % 97}@{domain}";
    }

    public static string OrganizationName(int n) =>
        $"{OrganizationFirst[Mix(n, 4) % OrganizationFirst.Length]}{OrganizationSecond[Mix(n, 5) % OrganizationSecond.Length]} " +
        $"{OrganizationKinds[Mix(n, 6) % OrganizationKinds.Length]} {OrganizationSuffixes[Mix(n, 7) % OrganizationSuffixes.Length]}";

    public static string Title(int n, string? organizationName, string personName)
    {
        var product = Products[Mix(n, 8) % Products.Length];
        var qualifier = Qualifiers[Mix(n, 9) % Qualifiers.Length];
        return organizationName is null
            ? $"{product} {qualifier} ({personName})"
            : $"{organizationName.Split(' ')[0]}: {product} {qualifier}";
    }

    // A cheap integer hash, so that neighbouring rows differ in every column.
    private static int Mix(int n, int salt)
    {
        var x = (uint)n * 2654435761u ^ (uint)salt * 40503u;
        x ^= x >> 15;
        x *= 2246822519u;
        x ^= x >> 13;
        return (int)(x & 0x7fffffff);
    }
}
