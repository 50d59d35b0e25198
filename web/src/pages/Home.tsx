import { Link } from 'react-router';
import { useMe } from '../api/auth';
import { PinFeed } from '../components/PinFeed';

export default function Home() {
  const me = useMe().data;
  return (
    <div className="page wide">
      <h1 className="visually-hidden">Home feed</h1>
      <PinFeed
        path="/api/feed"
        queryKey={['feed', 'recent']}
        label="Recent pins"
        empty={
          <>
            <p>No pins yet.</p>
            {me ? (
              <Link className="button button-primary" to="/create">
                Create the first pin
              </Link>
            ) : (
              <Link className="button button-primary" to="/signup">
                Sign up to create the first pin
              </Link>
            )}
          </>
        }
      />
    </div>
  );
}
