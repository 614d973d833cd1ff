# Production image: gunicorn serving KazMonitor, static files via whitenoise.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
RUN useradd --create-home --uid 1000 kazmonitor
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# collectstatic and compiling translations need settings but no secrets or database.
RUN DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --no-input -v0 \
 && DEBUG=0 SECRET_KEY=build-only python manage.py compile_translations -v0 \
 && mkdir -p /app/media && chown kazmonitor /app/media
USER kazmonitor
EXPOSE 8000
CMD ["gunicorn", "kazmonitor.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
