using ChatResilience.Server.Core;

namespace ChatResilience.Server.Hosting;

/// <summary>
/// The admin HTTP API (PROTOCOL.md §9), behind JwtBearer with the <c>role: admin</c> claim: delete a room,
/// remove a member. Affected sessions get <c>left</c>; later sends are finally nacked.
/// </summary>
internal static class AdminEndpoints
{
    public const string Policy = "chat-admin";

    public static void Map(WebApplication app)
    {
        var admin = app.MapGroup("/admin").RequireAuthorization(Policy);
        admin.MapDelete("/rooms/{room}", async (string room, ChatServerCore core, CancellationToken ct) =>
        {
            if (!Protocol.ProtocolFields.IsRoom(room))
            {
                return Results.BadRequest("invalid room name");
            }

            return await core.DeleteRoomAsync(room, ct) ? Results.NoContent() : Results.NotFound();
        });
        admin.MapDelete("/rooms/{room}/members/{userId}", async (string room, string userId, ChatServerCore core, CancellationToken ct) =>
        {
            if (!Protocol.ProtocolFields.IsRoom(room) || !Protocol.ProtocolFields.IsId(userId))
            {
                return Results.BadRequest("invalid room or user id");
            }

            return await core.RemoveMemberAsync(room, userId, ct) ? Results.NoContent() : Results.NotFound();
        });
    }
}
