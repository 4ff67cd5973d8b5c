"""Call records, after-hours messages, callback tasks and the satisfaction report.

- `model.fold(record, event, at)`: one typed event (the dialplan's, Hangup, the router's) into a `CallRecord` (pure).
- `recorder.CallRecorder(store, hours).attach(ami)`: records every call, stores messages,
  creates callback tasks (message; two failures in a day).
- `queries.load_satisfaction(store, hours, quarter)`: the quarterly report; `intervals`: the
  per-interval service-level report.
- `history`, `history_cli`: call history search (`/calls`, `ivrctl calls`); `timeline`: every
  call's timeline kept in the database; `messages`: after-hours message files;
  `callbacks`: callback tasks and the automatic-callback rule (pure); `wiring`: the FastAGI
  route and recorder as the service assembles them.
"""
