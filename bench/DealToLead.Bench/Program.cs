using System.Globalization;
using DealToLead.Bench;

// Usage:
//   seed --connection <cs> [--quick]
//   run --base-url <url> --connection <cs> --pgbench-tps <n> --app-pid <pid> --out bench/results/latest.json [--quick]
//       [--only inbox,board,list,conversion,bulk]   (the ceilings always run: every ratio needs them)
//   mail --connection <cs> --out bench/results/mail.json [--quick]   (a seeded database; starts its own dovecot)
if (args.Length == 0 || args[0] is not ("seed" or "run" or "mail"))
{
    Console.Error.WriteLine("usage: DealToLead.Bench seed --connection <cs> [--quick]");
    Console.Error.WriteLine("       DealToLead.Bench run --base-url <url> --connection <cs> --pgbench-tps <n> --app-pid <pid> --out <file.json> [--quick]");
    return 2;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"unexpected argument: {args[i]}");
        return 2;
    }

    options[args[i][2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
}

var quick = options.ContainsKey("quick");
if (!options.TryGetValue("connection", out var connection))
{
    Console.Error.WriteLine("--connection is required");
    return 2;
}

if (args[0] == "mail")
{
    return await new MailBench(connection, quick).RunAsync(options.GetValueOrDefault("out", "bench/results/mail.json"));
}

if (args[0] == "seed")
{
    await new Seeder(connection, SeedSizes.For(quick)).RunAsync();
    return 0;
}

using var scenarios = new Scenarios(new RunOptions(
    new Uri(options.GetValueOrDefault("base-url", "http://127.0.0.1:5090")),
    connection,
    double.Parse(options.GetValueOrDefault("pgbench-tps", "0"), CultureInfo.InvariantCulture),
    options.TryGetValue("app-pid", out var pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
    options.GetValueOrDefault("out", "bench/results/latest.json"),
    quick,
    options.TryGetValue("only", out var only) ? only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) : null));
return await scenarios.RunAsync();
