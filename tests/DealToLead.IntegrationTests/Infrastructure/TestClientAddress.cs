using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace DealToLead.IntegrationTests.Infrastructure;

/// <summary>
/// The test server has no client address; this gives each request the one in <see cref="Header"/> (or
/// <see cref="Default"/>), before the app's own middleware sees the connection.
/// </summary>
public sealed class TestClientAddress : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";
    public static readonly IPAddress Default = IPAddress.Parse("10.20.30.40");

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            context.Connection.RemoteIpAddress = IPAddress.TryParse(context.Request.Headers[Header], out var address) ? address : Default;
            return following(context);
        });
        next(app);
    };
}
