"""Atom feed of newly published and updated public cases."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from kazmonitor.models import Visibility

from .models import Case

FEED_SIZE = 50


class CaseFeed(Feed):
    feed_type = Atom1Feed
    title = _("KazMonitor: new and updated cases")
    subtitle = _("Politically motivated prosecutions, detentions and restrictions in Kazakhstan.")

    def link(self):
        return reverse("case_list")

    def items(self):
        return Case.objects.visible_to(Visibility.PUBLIC).order_by("-updated_at", "pk")[:FEED_SIZE]

    def item_title(self, item):
        return item.translated("title")

    def item_description(self, item):
        return item.translated("summary")

    def item_pubdate(self, item):
        return item.published_at or item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_guid(self, item):
        return f"urn:uuid:{item.uuid}"

    item_guid_is_permalink = False
