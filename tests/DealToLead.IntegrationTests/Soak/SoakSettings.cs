using System.Globalization;

namespace DealToLead.IntegrationTests.Soak;

public static class SoakPaths
{
    public static string Root { get; } = FindRoot();

    public static string DataDirectory => Path.Combine(Root, ".data");

    /// <summary>One summary line per scenario; scripts/soak.sh empties it before the run and prints it after.</summary>
    public static string ResultsFile =>
        Environment.GetEnvironmentVariable("DEALTOLEAD_SOAK_RESULTS") is { Length: > 0 } path ? path : Path.Combine(DataDirectory, "soak-results.txt");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DealToLead.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("DealToLead.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The environment an app process gets: the soak's database and SMTP server, limits out of the way.</summary>
public static class SoakSettings
{
    public static Dictionary<string, string> App(string connectionString, int smtpPort, params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["DOTNET_ENVIRONMENT"] = "Testing",
            ["ConnectionStrings__Crm"] = connectionString,
            ["Database__MigrateOnStartup"] = "false",
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
            ["Smtp__TimeoutSeconds"] = "10",
            ["App__PublicUrl"] = "http://crm.example.test",
            ["RateLimiting__ApiPerMinute"] = "1000000",
            ["RateLimiting__SignInPerMinute"] = "100000",
            ["Serilog__MinimumLevel__Default"] = "Information",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }
}
