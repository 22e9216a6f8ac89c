from django.urls import path

from apps.groups.api import chat_views, live_views, views

urlpatterns = [
    path("feed/", views.FeedView.as_view(), name="api-feed"),
    path("people/suggested/", views.SuggestionsView.as_view(), name="api-people-suggested"),
    path("people/<int:person_id>/", views.PersonView.as_view(), name="api-person"),
    path(
        "people/<int:person_id>/activities/",
        views.PersonActivitiesView.as_view(),
        name="api-person-activities",
    ),
    path("people/<int:person_id>/follow/", views.FollowView.as_view(), name="api-person-follow"),
    path("people/<int:person_id>/block/", views.BlockView.as_view(), name="api-person-block"),
    path("people/<int:person_id>/mute/", views.MuteView.as_view(), name="api-person-mute"),
    path(
        "people/<int:person_id>/followers/",
        views.FollowersView.as_view(),
        name="api-person-followers",
    ),
    path(
        "people/<int:person_id>/following/",
        views.FollowingView.as_view(),
        name="api-person-following",
    ),
    path("me/follow-requests/", views.FollowRequestListView.as_view(), name="api-follow-requests"),
    path(
        "me/follow-requests/<int:person_id>/",
        views.FollowRequestDecisionView.as_view(),
        name="api-follow-request",
    ),
    path(
        "activities/<int:activity_id>/kudos/", views.KudosView.as_view(), name="api-activity-kudos"
    ),
    path(
        "activities/<int:activity_id>/comments/",
        views.CommentListView.as_view(),
        name="api-activity-comments",
    ),
    path("comments/<int:comment_id>/", views.CommentDetailView.as_view(), name="api-comment"),
    path("groups/", views.GroupListView.as_view(), name="api-groups"),
    path("groups/<slug:slug>/", views.GroupDetailView.as_view(), name="api-group"),
    path("groups/<slug:slug>/join/", views.GroupJoinView.as_view(), name="api-group-join"),
    path("groups/<slug:slug>/leave/", views.GroupLeaveView.as_view(), name="api-group-leave"),
    path("groups/<slug:slug>/members/", views.GroupMembersView.as_view(), name="api-group-members"),
    path(
        "groups/<slug:slug>/members/<int:user_id>/",
        views.GroupMemberView.as_view(),
        name="api-group-member",
    ),
    path(
        "groups/<slug:slug>/members/<int:user_id>/transfer/",
        views.GroupTransferView.as_view(),
        name="api-group-transfer",
    ),
    path(
        "groups/<slug:slug>/requests/",
        views.GroupRequestsView.as_view(),
        name="api-group-requests",
    ),
    path(
        "groups/<slug:slug>/requests/<int:user_id>/",
        views.GroupRequestDecisionView.as_view(),
        name="api-group-request",
    ),
    path("groups/<slug:slug>/invites/", views.GroupInvitesView.as_view(), name="api-group-invites"),
    path("groups/<slug:slug>/events/", views.GroupEventsView.as_view(), name="api-group-events"),
    path("group-invites/<str:token>/accept/", views.InviteAcceptView.as_view(), name="api-invite"),
    path("group-events/<int:event_id>/", views.EventView.as_view(), name="api-group-event"),
    path("group-events/<int:event_id>/rsvp/", views.EventRSVPView.as_view(), name="api-event-rsvp"),
    path(
        "group-events/<int:event_id>/live/",
        live_views.EventLiveStartView.as_view(),
        name="api-event-live",
    ),
    path("reports/", views.ReportCreateView.as_view(), name="api-reports"),
    path("moderation/reports/", views.ModerationQueueView.as_view(), name="api-moderation-queue"),
    path(
        "moderation/reports/<int:report_id>/act/",
        views.ReportActView.as_view(),
        name="api-moderation-act",
    ),
    path(
        "moderation/reports/<int:report_id>/dismiss/",
        views.ReportDismissView.as_view(),
        name="api-moderation-dismiss",
    ),
    path("moderation/mine/", views.MyModerationView.as_view(), name="api-moderation-mine"),
    path(
        "moderation/actions/<int:action_id>/appeal/",
        views.AppealView.as_view(),
        name="api-moderation-appeal",
    ),
    path(
        "moderation/appeals/<int:appeal_id>/decide/",
        views.AppealDecisionView.as_view(),
        name="api-moderation-appeal-decide",
    ),
]

# --- chat and live runs (api/chat_views.py, api/live_views.py) ---

urlpatterns += [
    path("ws-tickets/", chat_views.TicketView.as_view(), name="api-ws-tickets"),
    path("chat/conversations/", chat_views.ConversationListView.as_view(), name="api-chats"),
    path("chat/direct/", chat_views.DirectChatView.as_view(), name="api-chat-direct"),
    path("chat/groups/<slug:slug>/", chat_views.GroupChatView.as_view(), name="api-chat-group"),
    path(
        "chat/conversations/<int:conversation_id>/messages/",
        chat_views.HistoryView.as_view(),
        name="api-chat-history",
    ),
    path(
        "chat/conversations/<int:conversation_id>/read/",
        chat_views.ReadMarkerView.as_view(),
        name="api-chat-read",
    ),
    path(
        "chat/conversations/<int:conversation_id>/mutes/",
        chat_views.MuteView.as_view(),
        name="api-chat-mutes",
    ),
    path(
        "chat/messages/<int:message_id>/", chat_views.MessageView.as_view(), name="api-chat-message"
    ),
    path("live/groups/<slug:slug>/", live_views.GroupSessionsView.as_view(), name="api-live-group"),
    path("live/<int:session_id>/", live_views.SessionView.as_view(), name="api-live"),
    path(
        "live/<int:session_id>/start/", live_views.SessionStartView.as_view(), name="api-live-start"
    ),
    path("live/<int:session_id>/join/", live_views.SessionJoinView.as_view(), name="api-live-join"),
    path("live/<int:session_id>/end/", live_views.SessionEndView.as_view(), name="api-live-end"),
    path("live/<int:session_id>/share/", live_views.ShareLinkView.as_view(), name="api-live-share"),
]
