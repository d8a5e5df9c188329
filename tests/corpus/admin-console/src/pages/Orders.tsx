import { useQuery } from '@tanstack/react-query';
import { format } from 'date-fns';
import clsx from 'clsx';
import { api } from '../api/client';

interface Order {
  id: string;
  number: string;
  status: 'pending' | 'paid' | 'shipped' | 'cancelled';
  totalCents: number;
  createdAt: string;
}

export function OrdersPage() {
  const { data, isLoading, error } = useQuery({
    queryKey: ['orders'],
    queryFn: () => api<Order[]>('/api/orders?limit=50'),
  });
  if (isLoading) return <p>Loading…</p>;
  if (error) return <p role="alert">Could not load orders: {String(error)}</p>;
  return (
    <table>
      <tbody>
        {data!.map((o) => (
          <tr key={o.id} className={clsx('order', { muted: o.status === 'cancelled' })}>
            <td>{o.number}</td>
            <td>{format(new Date(o.createdAt), 'dd MMM yyyy HH:mm')}</td>
            <td>{(o.totalCents / 100).toFixed(2)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
