using System.ComponentModel.DataAnnotations;
using System.Globalization;
using DealToLead.Web.Auth;
using DealToLead.Web.Pages.Shared;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.DataAnnotations;
using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace DealToLead.Web.Localization;

/// <summary>
/// The languages of the UI (docs/decisions/0014): English, the default, and Swedish. The language is the user's
/// profile setting, else the browser's Accept-Language, else English. The API is not localized.
/// </summary>
public static class UiLanguages
{
    public const string English = "en";
    public const string Swedish = "sv-SE";

    /// <summary>What the profile offers, in the language's own name (a Swede who landed in English finds "Svenska").</summary>
    public static readonly IReadOnlyList<(string Culture, string Name)> Choices = [(English, "English"), (Swedish, "Svenska")];

    // "sv" is listed too: a browser set to Swedish may send only "sv"; the texts live in *.sv.resx, which both share.
    private static readonly CultureInfo[] Supported = [new(English), new(Swedish), new("sv")];

    public static bool IsChoice(string? culture) => Choices.Any(c => c.Culture == culture);

    public static IServiceCollection AddDealToLeadLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(English);
            options.SupportedCultures = Supported;
            options.SupportedUICultures = Supported;
            options.RequestCultureProviders = [new UserProfileCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        services.AddSingleton<IValidationMetadataProvider, DefaultValidationMessages>();
        services.AddOptions<MvcOptions>().Configure<IStringLocalizerFactory>((options, factory) =>
        {
            options.ModelMetadataDetailsProviders.Add(new DefaultValidationMessages());
            var text = factory.Create(typeof(SharedText));
            var messages = options.ModelBindingMessageProvider;
            messages.SetValueIsInvalidAccessor(value => text["The value '{0}' is not valid.", value]);
            messages.SetAttemptedValueIsInvalidAccessor((value, field) => text["The value '{0}' is not valid for {1}.", value, field]);
            messages.SetValueMustBeANumberAccessor(field => text["The field {0} must be a number.", field]);
            messages.SetValueMustNotBeNullAccessor(field => text["The {0} field is required.", field]);
            messages.SetMissingBindRequiredValueAccessor(field => text["The {0} field is required.", field]);
            messages.SetUnknownValueIsInvalidAccessor(field => text["The value for {0} is not valid.", field]);
            messages.SetNonPropertyAttemptedValueIsInvalidAccessor(value => text["The value '{0}' is not valid.", value]);
            messages.SetNonPropertyUnknownValueIsInvalidAccessor(() => text["The value is not valid."]);
            messages.SetNonPropertyValueMustBeANumberAccessor(() => text["The field must be a number."]);
        });
        return services;
    }

    /// <summary>Pages only: the API keeps its invariant formats whatever the caller's browser says.</summary>
    public static IApplicationBuilder UseDealToLeadLocalization(this IApplicationBuilder app) =>
        app.UseWhen(context => !WebSetup.IsApiRequest(context.Request), pages => pages.UseRequestLocalization(
            pages.ApplicationServices.GetRequiredService<IOptions<RequestLocalizationOptions>>().Value));

    /// <summary>The signed-in user's own choice; their access (with it) is already loaded by the cookie check.</summary>
    private sealed class UserProfileCultureProvider : RequestCultureProvider
    {
        public override async Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
        {
            if (httpContext.User.Identity?.IsAuthenticated != true)
            {
                return null;
            }

            var access = await httpContext.RequestServices.GetRequiredService<CurrentUser>().GetAccessAsync(httpContext.RequestAborted);
            return access?.Language is { } language && IsChoice(language) ? new ProviderCultureResult(language) : null;
        }
    }

    /// <summary>
    /// Gives [Required], [StringLength] and friends an English message template, so that the data annotations
    /// localizer (SharedText) translates them like every other string; without a template they are never localized.
    /// </summary>
    private sealed class DefaultValidationMessages : IValidationMetadataProvider
    {
        public void CreateValidationMetadata(ValidationMetadataProviderContext context)
        {
            foreach (var attribute in context.ValidationMetadata.ValidatorMetadata.OfType<ValidationAttribute>())
            {
                if (attribute.ErrorMessage is not null || attribute.ErrorMessageResourceType is not null)
                {
                    continue;
                }

                attribute.ErrorMessage = attribute switch
                {
                    RequiredAttribute => "The {0} field is required.",
                    StringLengthAttribute { MinimumLength: > 0 } => "{0} must be between {2} and {1} characters long.",
                    StringLengthAttribute => "{0} can be at most {1} characters long.",
                    MaxLengthAttribute => "{0} can be at most {1} characters long.",
                    EmailAddressAttribute => "{0} is not a valid email address.",
                    RangeAttribute => "{0} must be between {1} and {2}.",
                    CompareAttribute => "{0} and {1} do not match.",
                    _ => null,
                };
            }
        }
    }
}
