"""Reading the timeline: /messages, /context and the rooms part of /sync.

A token names a boundary between events: "t<n>" (pagination) and "s<n>"
(sync) both mean "just after the event at stream position n". Paging back
from t<n> yields positions <= n, paging forward yields positions > n, so
every `from` is exclusive of what the client already has.
"""

from itertools import islice

from store import MatrixError, event_matches


def token(pos, kind="t"):
    return f"{kind}{pos}"


def parse_token(tok, store):
    """A position from a t- or s-token (the spec lets /messages take both)."""
    if not tok or tok[0] not in "ts" or not tok[1:].isdigit():
        raise MatrixError(400, "M_INVALID_PARAM", f"Invalid pagination token {tok!r}")
    return min(int(tok[1:]), store.pos)


def messages(store, room, dir_, from_tok, to_tok, limit, evfilter, token_of_caller, end_at_live_edge):
    """GET /rooms/{id}/messages. `end` is omitted once no matching event lies beyond the chunk,
    unless end_at_live_edge asks for Synapse's habit of always giving `end` forwards."""
    if dir_ not in ("b", "f"):
        raise MatrixError(400, "M_INVALID_PARAM", "dir must be 'b' or 'f'")
    start = parse_token(from_tok, store) if from_tok else (store.pos if dir_ == "b" else 0)
    stop = parse_token(to_tok, store) if to_tok else None
    if dir_ == "b":
        pool = reversed(room.between(stop or 0, start))
    else:
        pool = room.between(start, store.pos if stop is None else stop)
    # One match beyond the page tells whether there is more, without reading the rest.
    matching = list(islice((e for e in pool if event_matches(e, evfilter)), limit + 1))
    chunk = matching[:limit]
    out = {
        "chunk": [e.to_json(token=token_of_caller) for e in chunk],
        "start": from_tok or token(start),
    }
    more = len(matching) > len(chunk)
    if chunk and (more or (dir_ == "f" and end_at_live_edge)):
        out["end"] = token(chunk[-1].pos - 1) if dir_ == "b" else token(chunk[-1].pos)
    return out


def context(store, room, event_id, limit, token_of_caller):
    """GET /rooms/{id}/context/{eventId}: `limit` is shared, half before, the rest after."""
    target = room.by_id.get(event_id)
    if target is None:
        raise MatrixError(404, "M_NOT_FOUND", f"Event {event_id} not found")
    n_before = limit // 2
    before = list(islice(reversed(room.between(0, target.pos - 1)), n_before))
    after = room.between(target.pos, store.pos)[: limit - n_before]
    start_pos = (before[-1].pos if before else target.pos) - 1
    end_pos = after[-1].pos if after else target.pos
    return {
        "event": target.to_json(token=token_of_caller),
        "events_before": [e.to_json(token=token_of_caller) for e in before],  # newest first
        "events_after": [e.to_json(token=token_of_caller) for e in after],
        "start": token(start_pos),
        "end": token(end_pos),
        "state": [e.to_json() for e in room.state_at(0, end_pos)],
    }


def sync_room(room, since, upto, tl_filter, user_id, caller_token, full_state):
    """One rooms.join entry, or None when nothing in it is new to the client.

    The newest `limit` matching events after `since` form the timeline; when
    more matched, `limited` is true and `prev_batch` pages back to the rest.
    A room joined since `since` (or any room on an initial sync) also gets
    the state before its timeline window."""
    limit = tl_filter.get("limit", 10)
    lo = since or 0
    new = room.between(lo, upto)
    fresh = since is None or any(e.type == "m.room.member" and e.state_key == user_id for e in new)
    newest = list(islice((e for e in reversed(new) if event_matches(e, tl_filter)), limit + 1))
    window = newest[:limit][::-1]
    if not window and not fresh:
        return None
    first = window[0].pos if window else upto + 1
    state_from = 0 if (fresh or full_state) else lo
    timeline = {
        "events": [e.to_json(with_room_id=False, token=caller_token) for e in window],
        "limited": len(newest) > len(window),
        "prev_batch": token(first - 1),
    }
    return {
        "timeline": timeline,
        "state": {"events": [e.to_json(with_room_id=False) for e in room.state_at(state_from, first - 1)]},
        "ephemeral": {"events": []},
        "account_data": {"events": []},
        "summary": {"m.joined_member_count": len(room.members)},
        "unread_notifications": {},
    }


def sync_body(store, user_id, since, sync_filter, caller_token, full_state=False):
    """The whole /sync answer at this instant, and whether any room in it is new."""
    room_f = sync_filter.get("room", {})
    tl_filter = dict(room_f.get("timeline", {}))
    upto = store.pos
    joined = {}
    for room in store.rooms.values():
        if user_id not in room.members:
            continue
        if "rooms" in room_f and room.room_id not in room_f["rooms"]:
            continue
        if room.room_id in room_f.get("not_rooms", []):
            continue
        if "rooms" in tl_filter and room.room_id not in tl_filter["rooms"]:
            continue
        entry = sync_room(room, since, upto, tl_filter, user_id, caller_token, full_state)
        if entry is not None:
            joined[room.room_id] = entry
    body = {
        "next_batch": token(upto, "s"),
        "rooms": {"join": joined, "invite": {}, "leave": {}},
        "presence": {"events": []},
        "account_data": {"events": []},
        "to_device": {"events": []},
        "device_lists": {"changed": [], "left": []},
        "device_one_time_keys_count": {},
    }
    return body, bool(joined)
