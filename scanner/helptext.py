"""Command-line help in the language of messages.

A command's or option's ``help=`` (and ``epilog=``) names a message key (``help.*`` in inventory/messages.toml);
it is rendered when help is shown, so in the language that ``--lang`` or WOLKENWACHT_LANG chose. Click's own
words in help (Usage, Options, Commands, default, required, the --help option) come from templates too.
"""

import functools

import click

from inventory.messages import say


class Rendered:
    """An attribute Click sets to a message key and reads as that message in the current language."""

    def __set_name__(self, owner, name: str) -> None:
        self.key_attribute = f"_{name}_key"

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        key = getattr(obj, self.key_attribute)
        return say(key) if key else key

    def __set__(self, obj, key: str | None) -> None:
        setattr(obj, self.key_attribute, key)


class Formatter(click.HelpFormatter):
    """Click's usage prefix and section headings in the language of messages."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, f"{say('help.click.usage')} " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        headings = {"Options": say("help.click.options"), "Commands": say("help.click.commands")}
        super().write_heading(headings.get(heading, heading))


class Context(click.Context):
    formatter_class = Formatter


class Option(click.Option):
    """An option whose help is a message key; its [default: ...; required] note is in the language of messages."""

    help = Rendered()

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        if self.hidden:
            return None
        extra = self.get_help_extra(ctx)
        notes = [say("help.click.default", default=extra["default"])] if "default" in extra else []  # no show_envvar here
        notes += [extra["range"]] if "range" in extra else []
        notes += [say("help.click.required")] if "required" in extra else []
        help_text = self.help or ""
        if notes:
            help_text = f"{help_text}  [{'; '.join(notes)}]".strip()
        return self.get_help_spec(ctx), help_text


option = functools.partial(click.option, cls=Option)


class _Described:
    """A command whose help and epilog are message keys, shown with the formatter above."""

    context_class = Context
    help = Rendered()
    epilog = Rendered()

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """Click's --help option (made by Click, once per command), its text set when help is shown."""
        help_option = super().get_help_option(ctx)
        if help_option is not None:
            help_option.help = say("help.click.help")
        return help_option


class Command(_Described, click.Command):
    pass


class Group(_Described, click.Group):
    command_class = Command
