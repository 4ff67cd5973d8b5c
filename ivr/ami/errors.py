"""What can go wrong talking to AMI, as exceptions a caller can tell apart."""


class AmiError(Exception):
    """Base of every AMI failure."""


class AuthenticationError(AmiError):
    """Asterisk refused the AMI username or secret: final, never retried."""


class NotConnected(AmiError):
    """No AMI connection now (not yet, lost, or the client is closed)."""


class ActionTimeout(AmiError):
    """Asterisk did not answer an action in time."""


class ActionFailed(AmiError):
    """Asterisk answered an action with Response: Error."""

    def __init__(self, action: str, message: str):
        super().__init__(f"{action} failed: {message or 'no reason given'}")
        self.action = action
        self.reason = message
