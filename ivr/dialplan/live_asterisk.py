"""What a reload asks the live Asterisk through AMI: reload a module, list the dialplan,
and which config versions live channels still run."""
from __future__ import annotations

import asyncio
import re

from ivr.ami import AmiClient, AmiError
from ivr.dialplan import names
from ivr.dialplan.verify import Loaded, loaded_from_listing

_VERSIONED_CONTEXT = re.compile(r"hotline-v([0-9a-f]+)-")


class ModuleReloadFailed(RuntimeError):
    pass


async def reload_module(ami: AmiClient, module: str, timeout: float = 5.0) -> None:
    """`Action: Reload` and wait for its `Reload` event, so the check after it sees the result.

    (`Command: dialplan reload` emits no event: there would be nothing to wait for.)"""
    wanted = module.removesuffix(".so")
    done: asyncio.Future[dict[str, str]] = asyncio.get_running_loop().create_future()

    def on_reload(event: dict[str, str]) -> None:
        if event.get("Module", "").removesuffix(".so") == wanted and not done.done():
            done.set_result(dict(event))

    subscription = ami.subscribe("Reload", on_reload)
    try:
        await ami.send({"Action": "Reload", "Module": module}, timeout=timeout)
        event = await asyncio.wait_for(done, timeout)
    except TimeoutError:
        raise ModuleReloadFailed(f"Asterisk sent no Reload event for {module} within {timeout} s") from None
    except AmiError as error:
        raise ModuleReloadFailed(f"reloading {module}: {error}") from error
    finally:
        subscription.cancel()
    if event.get("Status", "0") != "0":
        raise ModuleReloadFailed(f"Asterisk reports status {event.get('Status')} reloading {module}")


async def loaded_dialplan(ami: AmiClient, timeout: float = 5.0) -> Loaded:
    listing = await ami.send_list({"Action": "ShowDialPlan"}, timeout=timeout)
    # Tens of thousands of events for a large dialplan: folded off the event loop.
    return await asyncio.to_thread(loaded_from_listing, listing.events)


async def versions_in_use(ami: AmiClient) -> set[str]:
    """Config versions some live channel runs or will return to.

    A channel in a versioned context runs that version; one elsewhere (a queue in
    hotline-agent, a Gosub) may return to the version in its HOTLINE_CONFIG_VERSION.
    Raises AmiError when it cannot tell: the caller then keeps every file."""
    channels = await ami.send_list({"Action": "CoreShowChannels"})
    versions: set[str] = set()
    for channel in channels.events:
        if match := _VERSIONED_CONTEXT.match(channel.get("Context", "")):
            versions.add(match.group(1))
            continue
        try:
            reply = await ami.send({"Action": "Getvar", "Channel": channel["Channel"], "Variable": names.CONFIG_VERSION})
        except AmiError as error:
            if "No such channel" in str(error):  # hung up since the listing: uses nothing
                continue
            raise
        if value := reply.get("Value"):
            versions.add(value)
    return versions
