"""Daily quizzes: when each is due, posting it exactly once, and the commands that manage them.

`due` is pure (schedule + clock -> instants); `scheduler` posts through an injected clock and
a Discord-free `Poster`; the slash commands live in `bot.quiz.commands`.
"""
