using System.Text.Json;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Api;
using DealToLead.Web.Auth;
using DealToLead.Web.Emails;
using DealToLead.Web.Localization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Serilog;
using Serilog.Formatting.Compact;

namespace DealToLead.Web;

public static class WebSetup
{
    private const string SmartScheme = "CookieOrApiToken";

    public static void AddDealToLeadLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.EntityFrameworkCore", Serilog.Events.LogEventLevel.Warning)
                // Failed commands surface as exceptions, logged with their request; EF also logs the expected miss of the migrations table on a new database.
                .MinimumLevel.Override("Microsoft.EntityFrameworkCore.Database.Command", Serilog.Events.LogEventLevel.Fatal);
            if (!builder.Configuration.GetValue("Logging:Console", true))
            {
                return;
            }

            if (builder.Configuration.GetValue<bool>("Logging:Json"))
            {
                logger.WriteTo.Console(new CompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        });
    }

    public static IServiceCollection AddDealToLeadWeb(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentUser>();
        services.AddSingleton<Core.Common.ICurrentUser, SignedInUserId>();
        services.AddSingleton<Core.Webhooks.IWebhookDataRenderer, Api.WebhookData>();

        services.AddIdentity<AppUser, IdentityRole<int>>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.SignIn.RequireConfirmedAccount = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Password.RequiredLength = 10;
                options.Password.RequireNonAlphanumeric = false;
            })
            .AddEntityFrameworkStores<CrmDbContext>()
            .AddDefaultTokenProviders();
        services.AddOptions<IdentityOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            options.Lockout.MaxFailedAccessAttempts = configuration.GetValue("Auth:MaxFailedAccessAttempts", 5);
            options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(configuration.GetValue("Auth:LockoutMinutes", 15));
        });

        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/login";
            options.LogoutPath = "/logout";
            options.Cookie.Name = "dealtolead.auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.SlidingExpiration = true;
            options.ExpireTimeSpan = TimeSpan.FromDays(7);
            options.Events.OnRedirectToAccessDenied = context =>
            {
                // A 403 page, not a redirect: the browser shows why, and tests see the real status.
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
            options.Events.OnValidatePrincipal = async context =>
            {
                // A deactivated user's cookie stops working on their next request.
                var id = context.Principal?.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
                var access = int.TryParse(id, out var userId)
                    ? await UserAccess.LoadAsync(context.HttpContext.RequestServices.GetRequiredService<CrmDbContext>(), userId)
                    : null;
                if (access is not { IsActive: true })
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                    return;
                }

                context.HttpContext.RequestServices.GetRequiredService<CurrentUser>().UseAccess(access);
            };
        });

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = SmartScheme;
                options.DefaultAuthenticateScheme = SmartScheme;
                options.DefaultChallengeScheme = SmartScheme;
                options.DefaultForbidScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, "Cookie for pages, API token for /api", options =>
                options.ForwardDefaultSelector = context => IsApiRequest(context.Request)
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);

        services.AddScoped<IAuthorizationHandler, PermissionAuthorizationHandler>();
        services.AddAuthorization(options => options.AddDealToLeadPolicies());

        services.AddDataProtection()
            .SetApplicationName("DealToLead")
            .PersistKeysToDbContext<CrmDbContext>();
        DataProtectionCertificate.AddTo(services);
        // Every cookie (sign-in, antiforgery, TempData) is Secure when the request came over TLS, directly or through a known proxy.
        services.Configure<CookiePolicyOptions>(options => options.Secure = CookieSecurePolicy.SameAsRequest);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>(ConfigureForwardedHeaders);
        services.AddSingleton<ApiTokenFailures>();

        services.AddDealToLeadLocalization();
        // Swedish letters (and the no-break space in "78 678 EUR") as themselves, not as &#xE5; entities.
        services.AddWebEncoders(options => options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddRazorPages(options =>
            {
                options.Conventions.AllowAnonymousToPage("/Account/Login");
                options.Conventions.AddPageApplicationModelConvention("/Account/Login", model => model.EndpointMetadata.Add(new EnableRateLimitingAttribute(RateLimits.SignIn)));
                options.Conventions.AllowAnonymousToPage("/Error");
            })
            .AddDataAnnotationsLocalization(options => options.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(Pages.Shared.SharedText)));

        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.DictionaryKeyPolicy = null;
            options.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
            options.SerializerOptions.TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver { Modifiers = { Api.OmitNullsAttribute.Apply } };
        });
        // Malformed query values or JSON bodies are the client's error (400 in the envelope) in every environment, not a 500 in Development.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        services.AddProblemDetails();
        services.AddDealToLeadRateLimits();
        services.AddOpenApi();
        services.AddHealthChecks().AddDbContextCheck<CrmDbContext>("database").AddCheck<ReplicaHealthCheck>("replica");
        services.AddScoped<ReadContext>();
        return services;
    }

    /// <summary>
    /// Behind a TLS-terminating proxy, X-Forwarded-For and X-Forwarded-Proto are believed only from the proxies named in
    /// <c>ForwardedHeaders:KnownProxies</c> (addresses) or <c>ForwardedHeaders:KnownNetworks</c> (CIDR), comma-separated.
    /// </summary>
    private static void ConfigureForwardedHeaders(ForwardedHeadersOptions options, IConfiguration configuration)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        foreach (var proxy in List(configuration["ForwardedHeaders:KnownProxies"]))
        {
            options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
        }

        foreach (var network in List(configuration["ForwardedHeaders:KnownNetworks"]))
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        static string[] List(string? value) => (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static WebApplication UseDealToLeadPipeline(this WebApplication app)
    {
        if (app.Environment.IsProduction())
        {
            DataProtectionCertificate.EnsureConfigured(app.Services);
        }

        app.UseForwardedHeaders();
        app.UseCookiePolicy();
        app.UseSecurityHeaders();
        app.UseExceptionHandler(errorApp => errorApp.Run(HandleUnhandledException));
        app.UseWhen(context => !IsApiRequest(context.Request), pages => pages.UseStatusCodePagesWithReExecute("/Error", "?statusCode={0}"));
        app.UseWhen(context => IsApiRequest(context.Request), api => api.UseStatusCodePages(context =>
            ApiResults.Error(context.HttpContext.Response.StatusCode, ReasonFor(context.HttpContext.Response.StatusCode)).ExecuteAsync(context.HttpContext)));
        if (!app.Environment.IsDevelopment() && !app.Environment.IsEnvironment("Testing"))
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.UseSerilogRequestLogging();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseMiddleware<StorableInput>();
        app.UseAuthentication();
        app.UseDealToLeadLocalization();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<ReadYourWrites>();

        app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        // The API's shape is no secret to its users, but in Production it is not handed to strangers.
        var openApi = app.MapOpenApi();
        if (app.Environment.IsProduction())
        {
            openApi.RequireAuthorization();
        }
        else
        {
            openApi.AllowAnonymous();
        }

        app.MapRazorPages();
        app.MapDealToLeadApi();
        app.MapEmailFrame();
        return app;
    }

    // "Healthy" alone without a replica, as before; with one, its lag too: {"status":"Healthy","replica":{"status":"Healthy","lag_bytes":0,…}}.
    private static Task WriteHealthAsync(HttpContext context, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        if (!context.RequestServices.GetRequiredService<Infrastructure.Database.ReadReplica>().Configured)
        {
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync(report.Status.ToString());
        }

        var replica = report.Entries["replica"];
        var body = new Dictionary<string, object?>
        {
            ["status"] = report.Status.ToString(),
            ["replica"] = new Dictionary<string, object?>(replica.Data.Select(e => KeyValuePair.Create(e.Key, (object?)e.Value))) { ["status"] = replica.Status.ToString(), ["description"] = replica.Description },
        };
        return context.Response.WriteAsJsonAsync(body);
    }

    private static string ReasonFor(int statusCode) => statusCode switch
    {
        StatusCodes.Status404NotFound => "Not found.",
        StatusCodes.Status405MethodNotAllowed => "Method not allowed.",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type: send application/json.",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(statusCode),
    };

    public static bool IsApiRequest(HttpRequest request) => request.Path.StartsWithSegments("/api");

    private static async Task HandleUnhandledException(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var (status, heading, message) = Classify(exception);
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "5";
        }

        if (IsApiRequest(context.Request))
        {
            await ApiResults.Error(status, message).ExecuteAsync(context);
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(
            $"<!doctype html><html lang=\"en\"><head><title>DealToLead</title><link rel=\"stylesheet\" href=\"/css/site.css\"></head>"
            + $"<body><main class=\"error-page\"><h1>{heading}</h1><p>{message}</p><p><a href=\"/\">Back to DealToLead</a></p></main></body></html>");
    }

    /// <summary>
    /// An unreachable database is an outage (503, try again), two people changing the same record is a conflict
    /// (409, reload), a value the database cannot store is bad input (400), and only the rest is our bug (500).
    /// </summary>
    internal static (int Status, string Heading, string Message) Classify(Exception? exception) => exception switch
    {
        // Kestrel's own refusals while a body is read (over its size limit, a broken chunked body): the client's.
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (StatusCodes.Status413PayloadTooLarge, "Too large", "The request body is larger than the server accepts."),
        BadHttpRequestException =>
            (StatusCodes.Status400BadRequest, "Invalid request", "The request could not be read."),
        DbUpdateConcurrencyException =>
            (StatusCodes.Status409Conflict, "Changed by someone else", "Someone else changed or deleted this record at the same moment. Reload it and try again."),
        DbUpdateException { InnerException: PostgresException { SqlState: var state } } when state.StartsWith("23", StringComparison.Ordinal) =>
            (StatusCodes.Status409Conflict, "Conflicting change", "The change conflicts with related data that changed at the same moment. Reload and try again."),
        // Data exceptions (22xxx), e.g. a NUL character PostgreSQL cannot store in text: the input's fault.
        DbUpdateException { InnerException: PostgresException { SqlState: var state } } when state.StartsWith("22", StringComparison.Ordinal) =>
            (StatusCodes.Status400BadRequest, "Invalid input", "The input contains a character or value that cannot be stored (for example a NUL character)."),
        _ when IsOutage(exception) =>
            (StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The database is unavailable right now. Please try again in a moment."),
        _ => (StatusCodes.Status500InternalServerError, "Something went wrong", "Something went wrong on our side. The error has been logged."),
    };

    private static bool IsOutage(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    // Connection failures (08), server shutting down (57P) and exhausted resources (53); other
                    // server errors are answers from a working database.
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("53", StringComparison.Ordinal);
                case NpgsqlException or TimeoutException:
                    return true;
            }
        }

        return false;
    }
}
