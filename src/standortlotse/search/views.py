from django.shortcuts import render
from django.utils.translation import get_language

from standortlotse.search import services


def search(request):
    query = request.GET.get("q", "")
    result = services.search(query, (get_language() or "de")[:2]) if query.strip() else None
    return render(request, "search/results.html", {"query": query, "result": result})
