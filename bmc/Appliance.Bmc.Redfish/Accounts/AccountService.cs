using System.Globalization;
using System.Text.Json.Nodes;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish.Accounts;

/// <summary>
/// /redfish/v1/AccountService: the password and lockout policy, the accounts (the same ones IPMI
/// uses) and the standard roles. Administrators manage accounts; everyone may read their own
/// account and change their own password.
/// </summary>
public static class AccountService
{
    public const string Uri = "/redfish/v1/AccountService";
    public const string AccountsUri = Uri + "/Accounts";
    public const string RolesUri = Uri + "/Roles";

    public static void Map(RedfishServices services)
    {
        RedfishRouter router = services.Router;
        router.Resource("/redfish/v1/AccountService", "AccountService")
            .OnGet(Get)
            .OnPatch(Privilege.ConfigureUsers, PatchAsync);
        router.Resource("/redfish/v1/AccountService/Accounts", "ManagerAccountCollection")
            .OnGet(request => RedfishJson.Collection(AccountsUri, "ManagerAccountCollection", "Accounts Collection",
                request.Host.Accounts.List().Where(a => MaySee(request, a)).Select(a => UriOf(a.Id))))
            .OnPost(Privilege.ConfigureUsers, CreateAsync);
        router.Resource("/redfish/v1/AccountService/Accounts/{AccountId}", "ManagerAccount")
            .OnGet(GetAccount)
            .OnPatch(Privilege.ConfigureSelf, PatchAccountAsync)
            .OnDelete(Privilege.ConfigureUsers, DeleteAsync);
        router.Resource("/redfish/v1/AccountService/Roles", "RoleCollection")
            .OnGet(_ => RedfishJson.Collection(RolesUri, "RoleCollection", "Roles Collection", Roles.Redfish.Select(r => RolesUri + "/" + Roles.IdOf(r))));
        router.Resource("/redfish/v1/AccountService/Roles/{RoleId}", "Role").OnGet(GetRole);
    }

    /// <summary>The services an account can be used with: every account has Redfish and the web console; IPMI can be switched off.</summary>
    public static readonly string[] AccountTypeNames = ["Redfish", "WebUI", "IPMI"];

    public static string UriOf(int id) => AccountsUri + "/" + id.ToString(CultureInfo.InvariantCulture);

    private static bool MaySee(RedfishRequest request, Account account) =>
        request.User.Has(Privilege.ConfigureUsers) || account.Id == request.User.Account.Id;

    private static JsonObject Get(RedfishRequest request)
    {
        AccountPolicy policy = request.Host.Accounts.Policy;
        return new JsonObject
        {
            ["@odata.id"] = Uri,
            ["@odata.type"] = "#AccountService.v1_13_0.AccountService",
            ["Id"] = "AccountService",
            ["Name"] = "Account Service",
            ["ServiceEnabled"] = true,
            ["Status"] = Health.Status("Enabled", Health.Ok),
            ["MinPasswordLength"] = policy.MinPasswordLength,
            ["MaxPasswordLength"] = policy.MaxPasswordLength,
            ["AccountLockoutThreshold"] = policy.AccountLockoutThreshold,
            ["AccountLockoutDuration"] = (long)policy.AccountLockoutDuration.TotalSeconds,
            ["AccountLockoutCounterResetAfter"] = (long)policy.AccountLockoutCounterResetAfter.TotalSeconds,
            ["AccountLockoutCounterResetEnabled"] = true,
            ["LocalAccountAuth"] = "Enabled",
            ["SupportedAccountTypes"] = RedfishJson.Strings(AccountTypeNames),
            ["@Redfish.WriteableProperties"] = RedfishJson.Strings(["MinPasswordLength", "AccountLockoutThreshold", "AccountLockoutDuration", "AccountLockoutCounterResetAfter"]),
            ["Accounts"] = RedfishJson.Link(AccountsUri),
            ["Roles"] = RedfishJson.Link(RolesUri),
        };
    }

    private static Task<RedfishResult> PatchAsync(RedfishRequest request)
    {
        AccountPolicy policy = request.Host.Accounts.Policy;
        var body = new BodyReader(request.Body, request.Current);
        long? minLength = body.Integer("MinPasswordLength", 1, AccountPolicy.IpmiMaxPasswordLength);
        long maxInterval = (long)AccountPolicy.MaxLockoutInterval.TotalSeconds;
        long? threshold = body.Integer("AccountLockoutThreshold", 0, AccountPolicy.MaxLockoutThreshold);
        long? duration = body.Integer("AccountLockoutDuration", 0, maxInterval);
        long? resetAfter = body.Integer("AccountLockoutCounterResetAfter", 0, maxInterval);
        body.Finish();

        AccountPolicy next = policy with
        {
            MinPasswordLength = (int)(minLength ?? policy.MinPasswordLength),
            AccountLockoutThreshold = (int)(threshold ?? policy.AccountLockoutThreshold),
            AccountLockoutDuration = duration is long d ? TimeSpan.FromSeconds(d) : policy.AccountLockoutDuration,
            AccountLockoutCounterResetAfter = resetAfter is long r ? TimeSpan.FromSeconds(r) : policy.AccountLockoutCounterResetAfter,
        };
        if (!next.LockoutIntervalsAgree)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest,
                BaseMessages.PropertyValueConflict("AccountLockoutCounterResetAfter", "AccountLockoutDuration"));
        }

        request.Host.Accounts.Policy = next;
        return Task.FromResult(RedfishResult.Ok(Get(request)));
    }

    private static JsonObject? GetAccount(RedfishRequest request)
    {
        if (!int.TryParse(request["AccountId"], NumberStyles.None, CultureInfo.InvariantCulture, out int id))
        {
            return null;
        }

        Account? account = request.Host.Accounts.Get(id);
        if (account is null)
        {
            return null;
        }

        if (!MaySee(request, account))
        {
            throw new RedfishException(StatusCodes.Status403Forbidden, BaseMessages.InsufficientPrivilege());
        }

        return ToJson(account, request.Host.Time.GetUtcNow());
    }

    private static JsonObject ToJson(Account account, DateTimeOffset now)
    {
        var types = new List<string> { "Redfish", "WebUI" };
        if (account.IpmiEnabled)
        {
            types.Add("IPMI");
        }

        return new JsonObject
        {
            ["@odata.id"] = UriOf(account.Id),
            ["@odata.type"] = "#ManagerAccount.v1_10_0.ManagerAccount",
            ["Id"] = account.Id.ToString(CultureInfo.InvariantCulture),
            ["Name"] = "User Account",
            ["UserName"] = account.UserName,
            ["RoleId"] = account.Role == AccountRole.Callback ? "Callback" : Roles.IdOf(account.Role),
            ["Enabled"] = account.Enabled,
            ["Locked"] = account.IsLockedOut(now),
            ["PasswordChangeRequired"] = account.PasswordChangeRequired,
            ["Password"] = null,
            ["AccountTypes"] = RedfishJson.Strings(types),
            ["Links"] = new JsonObject { ["Role"] = RedfishJson.Link(RolesUri + "/" + account.Role) },
            ["@Redfish.WriteableProperties"] = RedfishJson.Strings(["UserName", "Password", "RoleId", "Enabled", "Locked", "PasswordChangeRequired", "AccountTypes"]),
        };
    }

    private static Task<RedfishResult> CreateAsync(RedfishRequest request)
    {
        var body = new BodyReader(request.Body);
        body.Require("UserName");
        body.Require("Password");
        body.Require("RoleId");
        string? userName = body.String("UserName");
        string? password = body.String("Password");
        string? roleId = body.Enum("RoleId", Roles.Redfish.Select(Roles.IdOf).ToArray());
        bool? enabled = body.Bool("Enabled");
        IReadOnlyList<string>? types = AccountTypes(body);
        body.Finish();

        Account account = Change(() => request.Host.Accounts.Create(userName!, password!, Roles.Parse(roleId!)!.Value,
            enabled: enabled ?? true, ipmiEnabled: types?.Contains("IPMI") ?? true));
        return Task.FromResult(RedfishResult.Created(UriOf(account.Id), ToJson(account, request.Host.Time.GetUtcNow())));
    }

    private static Task<RedfishResult> PatchAccountAsync(RedfishRequest request)
    {
        int id = int.Parse(request["AccountId"], CultureInfo.InvariantCulture);
        bool self = id == request.User.Account.Id;
        bool manager = request.User.Has(Privilege.ConfigureUsers);
        var body = new BodyReader(request.Body, request.Current);
        string? password = body.String("Password");
        if (!manager && (!self || request.Body.Any(p => p.Key != "Password" && !p.Key.StartsWith("@odata.", StringComparison.Ordinal))))
        {
            // Without ConfigureUsers an account may change only its own password.
            throw new RedfishException(StatusCodes.Status403Forbidden, BaseMessages.InsufficientPrivilege());
        }

        string? userName = body.String("UserName");
        string? roleId = body.Enum("RoleId", Roles.Redfish.Select(Roles.IdOf).ToArray());
        bool? enabled = body.Bool("Enabled");
        bool? locked = body.Bool("Locked");
        bool? changeRequired = body.Bool("PasswordChangeRequired");
        if (locked == true)
        {
            // Only the service locks accounts (after failed logins); a client may only unlock them.
            body.Fail(BaseMessages.PropertyValueNotInList("true", "Locked"));
        }

        IReadOnlyList<string>? types = AccountTypes(body);
        body.Finish();

        if (locked == false)
        {
            Change(() =>
            {
                request.Host.Accounts.Unlock(id);
                return (Account?)null;
            });
        }

        if (userName is not null || roleId is not null || enabled is not null || types is not null)
        {
            Change(() => request.Host.Accounts.Update(id, userName, roleId is null ? null : Roles.Parse(roleId), enabled,
                types is null ? null : types.Contains("IPMI")));
        }

        if (changeRequired is bool required && password is null)
        {
            Change(() =>
            {
                request.Host.Accounts.SetPasswordChangeRequired(id, required);
                return (Account?)null;
            });
        }

        if (password is not null)
        {
            // An administrator setting someone else's password leaves that account as it was; the
            // owner setting it is the change that PasswordChangeRequired asks for.
            Account before = request.Host.Accounts.Get(id)!;
            Change(() =>
            {
                request.Host.Accounts.SetPassword(id, password, passwordChangeRequired: changeRequired ?? (!self && before.PasswordChangeRequired));
                return before;
            });
        }

        return Task.FromResult(RedfishResult.Ok(ToJson(request.Host.Accounts.Get(id)!, request.Host.Time.GetUtcNow())));
    }

    private static Task<RedfishResult> DeleteAsync(RedfishRequest request)
    {
        int id = int.Parse(request["AccountId"], CultureInfo.InvariantCulture);
        Change(() =>
        {
            request.Host.Accounts.Delete(id);
            return (Account?)null;
        });
        return Task.FromResult(RedfishResult.Message(BaseMessages.AccountRemoved()));
    }

    private static IReadOnlyList<string>? AccountTypes(BodyReader body)
    {
        IReadOnlyList<string>? types = body.StringArray("AccountTypes");
        if (types is null)
        {
            return null;
        }

        foreach (string type in types.Where(t => t is not ("Redfish" or "WebUI" or "IPMI")))
        {
            body.Fail(BaseMessages.PropertyValueNotInList(type, "AccountTypes"));
        }

        if (!types.Contains("Redfish"))
        {
            // Every account here logs in to Redfish and the web console; only IPMI access is optional.
            body.Fail(BaseMessages.PropertyValueIncorrect("AccountTypes", string.Join(",", types)));
        }

        return types;
    }

    /// <summary>Runs an account change, turning the store's refusals into the Base messages that fit.</summary>
    private static T Change<T>(Func<T> change)
    {
        try
        {
            return change();
        }
        catch (AccountException e)
        {
            throw e.Error switch
            {
                AccountError.NotFound => new RedfishException(StatusCodes.Status404NotFound, BaseMessages.ResourceNotFound("ManagerAccount", e.Property)),
                AccountError.NameTaken => new RedfishException(StatusCodes.Status409Conflict, BaseMessages.ResourceAlreadyExists("ManagerAccount", "UserName", e.Message)),
                AccountError.NoFreeSlot => new RedfishException(StatusCodes.Status409Conflict, BaseMessages.CreateLimitReachedForResource()),
                AccountError.LastAdministrator => new RedfishException(StatusCodes.Status409Conflict, BaseMessages.PropertyValueConflict(e.Property, "RoleId"),
                    BaseMessages.GeneralError(e.Message)),
                AccountError.PasswordInvalid => new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.PropertyValueFormatError("******", "Password"),
                    BaseMessages.GeneralError(e.Message)),
                _ => new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.PropertyValueFormatError(e.Message, e.Property)),
            };
        }
    }

    private static JsonObject? GetRole(RedfishRequest request)
    {
        AccountRole? role = Roles.Parse(request["RoleId"]);
        if (role is null)
        {
            return null;
        }

        return new JsonObject
        {
            ["@odata.id"] = RolesUri + "/" + request["RoleId"],
            ["@odata.type"] = "#Role.v1_3_1.Role",
            ["Id"] = request["RoleId"],
            ["RoleId"] = request["RoleId"],
            ["Name"] = request["RoleId"] + " role",
            ["IsPredefined"] = true,
            ["AssignedPrivileges"] = RedfishJson.Strings(Roles.Names(Roles.PrivilegesOf(role.Value))),
        };
    }
}
