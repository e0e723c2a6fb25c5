using System.Globalization;
using DealToLead.Bench;

// Usage:
//   seed --connection <cs> [--quick] [--leads <n>] [--list-deals <n>] [--grow]   (--grow adds to a seeded database up to n)
//   run --base-url <url> --connection <cs> --pgbench-tps <n> --app-pid <pid> --out bench/results/latest.json [--quick]
//       [--only inbox,search,board,list,api,conversion,bulk] [--rows <n>]   (the ceilings always run: every ratio needs them)
//       [--growth-from <rows>=<results.json>]   (the growth rows: this run's inbox and list p95 against that smaller run's)
//   curve <rows>=<results.json> ...   (--scale: the p95 of each size and the growth)
//   mail --connection <cs> --out bench/results/mail.json [--quick]   (a seeded database; starts its own dovecot)
//   compare --a <url> --b <url> --path <path> [--a-pid <pid>] [--b-pid <pid>] [--a-name <application name>] [--b-name <…>]
//       [--connection <cs>] [--clients 8] [--rounds 6] [--seconds 10]   (two builds side by side: scripts/compare.sh)
if (args.Length > 0 && args[0] == "curve")
{
    Console.WriteLine(Curve.Table(args.Skip(1).Select(a => a.Split('=', 2)).Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture), p[1])).ToList()));
    return 0;
}

if (args.Length == 0 || args[0] is not ("seed" or "run" or "mail" or "compare"))
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

int? Number(string name) => options.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : null;
if (args[0] == "compare")
{
    CompareSide Side(string name) => new(name, new Uri(options[name]), Number($"{name}-pid"), options.GetValueOrDefault($"{name}-name"));
    return await new Compare(Side("a"), Side("b"), options.GetValueOrDefault("path", "/leads?source=Deal&sort=Created"),
        Number("clients") ?? 8, Number("rounds") ?? 6, TimeSpan.FromSeconds(Number("seconds") ?? 10), options.GetValueOrDefault("connection")).RunAsync();
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
    var sizes = SeedSizes.For(quick);
    sizes = sizes with
    {
        Leads = options.TryGetValue("leads", out var leads) ? int.Parse(leads, CultureInfo.InvariantCulture) : sizes.Leads,
        ListDeals = options.TryGetValue("list-deals", out var listDeals) ? int.Parse(listDeals, CultureInfo.InvariantCulture) : sizes.ListDeals,
    };
    await new Seeder(connection, sizes, options.ContainsKey("grow")).RunAsync();
    return 0;
}

using var scenarios = new Scenarios(new RunOptions(
    new Uri(options.GetValueOrDefault("base-url", "http://127.0.0.1:5090")),
    connection,
    double.Parse(options.GetValueOrDefault("pgbench-tps", "0"), CultureInfo.InvariantCulture),
    options.TryGetValue("app-pid", out var pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
    options.GetValueOrDefault("out", "bench/results/latest.json"),
    quick,
    options.TryGetValue("only", out var only) ? only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) : null,
    options.TryGetValue("rows", out var rows) ? int.Parse(rows, CultureInfo.InvariantCulture) : null,
    options.GetValueOrDefault("growth-from")));
return await scenarios.RunAsync();
