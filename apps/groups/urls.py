from django.urls import path

from apps.groups import chat_pages, views

app_name = "groups"

urlpatterns = [
    path("feed/", views.feed, name="feed"),
    path("feed/activities/<int:activity_id>/", views.activity, name="activity"),
    path("feed/activities/<int:activity_id>/kudos/", views.kudos, name="kudos"),
    path("feed/comments/<int:comment_id>/delete/", views.comment_delete, name="comment-delete"),
    path("people/requests/", views.follow_requests, name="follow-requests"),
    path("people/moderation/", views.moderation_mine, name="moderation-mine"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/<slug:action>/", views.person_action, name="person-action"),
    path("report/<slug:target_type>/<int:target_id>/", views.report, name="report"),
    path("groups/", views.group_list, name="list"),
    path("groups/invite/<str:token>/", views.invite, name="invite"),
    path("groups/events/<int:event_id>/rsvp/", views.event_rsvp, name="event-rsvp"),
    # before "groups/<slug>/<action>/", which "events/<id>" would match
    path("groups/events/<int:event_id>/", chat_pages.event_detail, name="event"),
    path("groups/events/<int:event_id>/live/", chat_pages.event_live_start, name="event-live"),
    path("groups/<slug:slug>/", views.group_detail, name="group"),
    path("groups/<slug:slug>/events/", views.event_create, name="event-create"),
    path("groups/<slug:slug>/<slug:action>/", views.group_action, name="group-action"),
]

# --- chat and live runs (chat_pages.py) ---
urlpatterns += [
    path("chat/groups/<slug:slug>/", chat_pages.group_chat, name="chat-group"),
    path("chat/direct/<int:person_id>/", chat_pages.direct_chat, name="chat-direct"),
    path("live/groups/<slug:slug>/", chat_pages.live_list, name="live-list"),
    path("live/share/<str:token>/", chat_pages.live_share, name="live-share"),
    path("live/<int:session_id>/", chat_pages.live_view, name="live"),
    path("live/<int:session_id>/<slug:action>/", chat_pages.live_action, name="live-action"),
]
