"""core/mail.py: the background mail task retries while the mail server is down."""


def test_email_task_retries_when_mail_server_fails(monkeypatch, settings):
    from standortlotse.core import mail as core_mail

    calls = {"n": 0}

    def flaky_send(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] < 3:
            raise ConnectionRefusedError("mail server down")
        return 1

    monkeypatch.setattr("django.core.mail.EmailMessage.send", flaky_send)
    result = core_mail.send_email_task.enqueue(["a@example.org"], "Betreff", "Text")
    assert calls["n"] == 3
    assert result.return_value == "retry"
