
namespace ChatResilience.Chaos.Proxy.Internal.Api;

internal sealed partial class ApiEndpoints
{
    private Task ListToxicsAsync(HttpContext context)
    {
        var toxics = registry.ListToxics(Route(context, "proxy"));
        return ApiResponses.JsonAsync(context, 200, w => ApiJson.WriteToxics(w, toxics));
    }

    private async Task AddToxicAsync(HttpContext context)
    {
        var proxy = Route(context, "proxy");
        registry.Get(proxy);
        using var body = await RequestBody.ReadAsync(context);
        var toxic = registry.AddToxic(proxy, ToxicBodies.ParseCreate(new JsonFields(body.RootElement)));
        await ApiResponses.JsonAsync(context, 200, w => ApiJson.WriteToxic(w, toxic));
    }

    private Task GetToxicAsync(HttpContext context)
    {
        var toxic = registry.GetToxic(Route(context, "proxy"), Route(context, "toxic"));
        return ApiResponses.JsonAsync(context, 200, w => ApiJson.WriteToxic(w, toxic));
    }

    private async Task UpdateToxicAsync(HttpContext context)
    {
        var proxy = Route(context, "proxy");
        var name = Route(context, "toxic");
        var current = registry.GetToxic(proxy, name);
        using var body = await RequestBody.ReadAsync(context);
        var change = ToxicBodies.ParseUpdate(current.Kind, new JsonFields(body.RootElement));
        var toxic = registry.UpdateToxic(proxy, name, change, ToxicBodies.Validate);
        await ApiResponses.JsonAsync(context, 200, w => ApiJson.WriteToxic(w, toxic));
    }

    private Task DeleteToxicAsync(HttpContext context)
    {
        registry.RemoveToxic(Route(context, "proxy"), Route(context, "toxic"));
        return ApiResponses.NoContent(context);
    }
}
