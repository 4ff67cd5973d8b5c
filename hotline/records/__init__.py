"""Call records, after-hours messages, callback tasks and the satisfaction report.

- `model.fold(record, event, at)`: one typed event (the dialplan's, Hangup, the router's) into a `CallRecord` (pure).
- `recorder.CallRecorder(store, hours).attach(ami)`: records every call, stores messages,
  creates callback tasks (message; two failures in a day).
- `queries.load_satisfaction(store, hours, quarter)`: the quarterly report.
"""
