"""Every Dash component id, in one place, so that two pages never collide."""

# Request annotation page: upload.js finds these by id.
UPLOAD_FORM = "upload-form"
UPLOAD_FILE = "upload-file"            # created by upload.js
UPLOAD_FILE_HOLDER = "upload-file-holder"
UPLOAD_SUBMIT = "upload-submit"
UPLOAD_PROGRESS = "upload-progress"
UPLOAD_ALERT = "upload-alert"
UPLOAD_LIMIT = "upload-limit"
UPLOAD_MODE = "upload-mode"            # radio items; upload.js reads the checked one

# My annotations page.
JOBS_GRID = "jobs-grid"
JOBS_INTERVAL = "jobs-interval"

# Job details page.
JOB_ID_STORE = "job-id-store"
JOB_DETAILS = "job-details"
JOB_INTERVAL = "job-interval"

# Log page.
LOG_TEXT = "log-text"

# Any page: a <time> whose text the browser rewrites in the user's time zone.
LOCAL_TIME = "local-time"

# Profile and subscribe pages: subscribe.js finds these by id.
SUBSCRIBE_FORM = "subscribe-form"
SUBSCRIBE_CARD_ELEMENT = "subscribe-card-element"   # Stripe Elements mounts here
SUBSCRIBE_SUBMIT = "subscribe-submit"
SUBSCRIBE_ALERT = "subscribe-alert"
CANCEL_FORM = "cancel-form"

# API tokens page (/profile/tokens).
TOKEN_NAME = "token-name"
TOKEN_CREATE = "token-create"
TOKEN_NEW = "token-new"              # the new token, shown once
TOKEN_LIST = "token-list"
TOKEN_REVOKE = "token-revoke"        # pattern id: {"type": TOKEN_REVOKE, "index": token id}

# Admin page.
ADMIN_USERS = "admin-users"
ADMIN_QUEUES = "admin-queues"
CONSEQUENCE_CHART = "consequence-chart"
